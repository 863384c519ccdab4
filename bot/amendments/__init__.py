"""Amendment orders: a government order that changes a plan, read from its text (`reading`),
matched against the stored plan and shown before anything is saved, then applied as a plan
version (`applying`). `order` holds what an order says, as plain values."""

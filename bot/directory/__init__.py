"""The directory of bodies: the list an administrator loads (`listing`, `changes`), exports
(`workbook`), edits body by body and completes with the bodies plans named (`editing`)."""

"""数据变更记录: the model history of every app's tables, read by the auditor."""

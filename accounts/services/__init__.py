"""账号管理's and 安全管理's writes."""

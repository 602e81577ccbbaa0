"""People's pages: signing in, 账号管理, 安全管理, password resets and 导入填报员. The user model
stays in `projects` (its first migration); the URLs are the site's own (config/urls.py).
Laid out by layer (tests/test_layers.py): views/ (sign_in.py: signing in, 修改密码, the
session's clock; people.py: 账号管理; security.py: 安全管理) → services/ (people.py,
people_import.py, password_resets.py, roles.py) → selectors.py → models (`projects`); forms,
filters and tables beside the views."""

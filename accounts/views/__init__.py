"""Signing in, 账号管理, 安全管理."""

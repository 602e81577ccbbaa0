"""The register's pages and 责任单位's."""

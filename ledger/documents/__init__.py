"""The ledger workbooks written for the page and the commands."""

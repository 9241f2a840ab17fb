"""Reports: Excel workbooks, CSV/JSON, HTML. Writing only: nothing here computes."""

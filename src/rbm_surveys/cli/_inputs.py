"""Reading the small CSV inputs sub-commands take, with errors that name the file."""

from __future__ import annotations


def read_csv_input(path: str, **kwargs):
    import pandas as pd

    from rbm_surveys.errors import InputError

    try:
        return pd.read_csv(path, **kwargs)
    except FileNotFoundError as exc:
        raise InputError("file not found", file=path) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV ({exc})", file=path,
                         hint="save it as UTF-8 CSV with a header row") from exc

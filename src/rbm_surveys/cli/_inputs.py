"""Reading the small CSV inputs sub-commands take, with errors that name the file and row."""

from __future__ import annotations


def read_csv_input(path: str, **kwargs):
    """A user's CSV as a DataFrame (``kwargs`` go to :func:`pandas.read_csv`).

    Read strictly through the configuration layer first (:func:`rbm_surveys.config.
    read_config_csv`): binary or non-UTF-8 content, a blank or repeated header name, and a
    row with too few or too many fields are one-line ConfigErrors naming the file and row
    (pandas would pad a short row with blanks without a word)."""
    import io

    import pandas as pd

    from rbm_surveys.config import read_config_csv, read_text
    from rbm_surveys.errors import InputError

    read_config_csv(path, what="CSV input")
    text = read_text(path, what="CSV input")
    try:
        return pd.read_csv(io.StringIO(text), **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"not a readable CSV ({exc})", file=path,
                         hint="save it as UTF-8 CSV with a header row") from exc

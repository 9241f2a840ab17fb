"""The public namespace: every advertised name resolves (compare httpx's test of the same name)."""

import rbm_surveys


def test_all_exports_resolve():
    for name in rbm_surveys.__all__:
        assert getattr(rbm_surveys, name) is not None, name


def test_unknown_name_is_an_attribute_error():
    try:
        rbm_surveys.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_every_error_is_an_rbm_error():
    from rbm_surveys import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.RbmError)

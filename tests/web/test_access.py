"""Every endpoint declares who may use it; roles see what their capabilities allow."""

from flask import Flask

from vendorcheck.web.access import PUBLIC

# Flask's own static files are public by nature and carry no view of ours.
UNDECORATED_BY_DESIGN = {"static"}


def test_every_endpoint_declares_a_capability(app: Flask) -> None:
    """The matrix (test_authorization_matrix.py) reads each view's capability: none may lack one."""
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNDECORATED_BY_DESIGN
        and not hasattr(app.view_functions[rule.endpoint], "required_capability")
    ]
    assert missing == []


def test_public_endpoints_are_few_and_known(app: Flask) -> None:
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_capability", None) == PUBLIC
    }
    assert public == {
        "auth.login",
        "auth.verify",
        "auth.logout",
        "auth.invitation",
        "auth.reset",
        # The vendor portal: the link's token is the credential, checked by every view.
        "portal.overview",
        "portal.section",
        "portal.autosave",
        "portal.submit",
        "portal.upload",
    }

"""Only local paths are accepted as redirect targets."""

import pytest

from vendorcheck.web.security import is_local_path


@pytest.mark.parametrize("target", ["/", "/vendors/3", "/vendors?sort=name", "/a/b#c"])
def test_local_paths_are_accepted(target: str) -> None:
    assert is_local_path(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "/\tevil",
        "/ok\r\nSet-Cookie: x=1",
        "vendors",
    ],
)
def test_other_targets_are_refused(target: str | None) -> None:
    assert not is_local_path(target)

from vitrine_shared.context import accept_correlation_id


def test_a_safe_correlation_id_is_kept() -> None:
    assert accept_correlation_id("web-7f3a.1:2") == "web-7f3a.1:2"


def test_unsafe_or_missing_ids_are_replaced() -> None:
    for hostile in (None, "", "a" * 129, "line\nbreak", 'quote"', "emoji-🙂"):
        replaced = accept_correlation_id(hostile)
        assert replaced != hostile
        assert len(replaced) == 32

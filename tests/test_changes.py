"""Commitment-level change events between two versions."""

from crawler.derive.changes import commitment_events, line_diff, period_events, text_key


def kinds(events):
    return sorted(e.kind for e in events)


def test_same_text_up_to_case_and_punctuation_is_no_event():
    assert commitment_events(["Polisen ska synas."], ["polisen ska synas"]) == []


def test_rewording_is_paired_with_old_and_new_text():
    [event] = commitment_events(
        ["Polisen lovar att genomföra trygghetsvandringar två gånger per år."],
        ["Polisen lovar att genomföra trygghetsvandringar tre gånger per år."])
    assert event.kind == "commitment_reworded"
    assert "två" in event.old_text and "tre" in event.new_text
    assert "-Polisen" in event.diff and "+Polisen" in event.diff


def test_unrelated_texts_are_removed_and_added():
    events = commitment_events(["Öka polisens närvaro i Stadsparken."],
                               ["Kommunen byter belysning vid skolan."])
    assert kinds(events) == ["commitment_added", "commitment_removed"]


def test_period_change():
    [event] = period_events(["2022-2023"], ["2024-2025"])
    assert (event.old_text, event.new_text) == ("2022-2023", "2024-2025")


def test_line_diff_has_only_changed_lines():
    diff = line_diff("a\nb\nc\nd", "a\nb\nX\nd")
    assert "-c" in diff and "+X" in diff and " a" not in diff


def test_text_key_ignores_case_and_punctuation():
    assert text_key("Polisen ska synas!") == text_key("polisen  ska synas")
    assert text_key("Polisen ska synas") != text_key("Kommunen ska synas")

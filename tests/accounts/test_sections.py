"""Page sections: a higher app adds to a lower app's page without being imported by it."""

from __future__ import annotations

from django.test import RequestFactory

from skillaid.accounts import sections as mechanism


def test_a_page_renders_its_sections_in_order_and_skips_empty_ones(monkeypatch):
    monkeypatch.setattr(mechanism, "_SECTIONS", {})

    def late(request, obj):  # noqa: ANN001, ANN202
        return f"<p>late {obj}</p>"

    def early(request, obj):  # noqa: ANN001, ANN202
        return f"<p>early {obj}</p>"

    def nothing(request, obj):  # noqa: ANN001, ANN202
        return ""

    mechanism.section_register("page", late, order=200)
    mechanism.section_register("page", early, order=10)
    mechanism.section_register("page", nothing)
    mechanism.section_register("page", late, order=200)  # a second ready() adds nothing

    request = RequestFactory().get("/")
    assert [str(s) for s in mechanism.sections("page", request, 7)] == [
        "<p>early 7</p>",
        "<p>late 7</p>",
    ]
    assert mechanism.sections("another page", request, 7) == []


def test_the_person_page_shows_the_record_and_the_school_page_its_pairings():
    """The two sections the apps above register at start-up."""
    from skillaid.evaluation.views import lifelong_record_section
    from skillaid.pairings.views import school_pairings

    assert any(fn is lifelong_record_section for _, fn in mechanism._SECTIONS["person_detail"])
    assert any(fn is school_pairings for _, fn in mechanism._SECTIONS["institution_detail"])

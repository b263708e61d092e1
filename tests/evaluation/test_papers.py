"""A certificate as a PDF whose QR code opens its public check, and the lifelong record as a PDF."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from urllib.parse import urlencode, urlsplit

import pypdfium2 as pdfium
import pytest
import segno
import time_machine
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from PIL import Image

from skillaid.accounts.models import Action, AuditEntry
from skillaid.accounts.papers import paper_html, render_pdf
from skillaid.evaluation.papers import verify_qr
from skillaid.evaluation.services import certificate_revoke, certificates_issue
from skillaid.lib.fonts import cjk_font
from tests.papers import pdf_bytes, pdf_text, save_pages
from tests.training.fixtures import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(lu, school, class_factory, person_factory):
    """蓝海燕 passed a one-session class of the Nanning school and holds its certificate; the
    test runs two hours after the session ended."""
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee], count=1)
    ended = c.sessions.get().ends_at
    with time_machine.travel(ended + dt.timedelta(hours=1), tick=False):
        complete(lu, c, {trainee: True})
        (cert,) = certificates_issue(actor=lu, training_class=c)
    with time_machine.travel(ended + dt.timedelta(hours=2), tick=False):
        yield cert, trainee, c


def download(client, user, cert):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client.get(reverse("certificate_pdf", args=[cert.pk]))


def qr_codes(data: bytes) -> list[str]:
    """What a phone's camera reads from the first page, rendered at 216 dpi."""
    doc = pdfium.PdfDocument(data)
    try:
        image = doc[0].render(scale=3).to_pil()
    finally:
        doc.close()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_the_certificate_says_what_it_certifies_and_its_qr_opens_the_public_check(
    client, lu, certified
):
    cert, trainee, c = certified
    data = pdf_bytes(download(client, lu, cert))
    text = pdf_text(data)
    for fact in (
        "职业技能等级证书",
        "蓝海燕",
        trainee.id_masked,
        cert.number,
        "家政服务员",
        "五级/初级工",
        f"{cert.issued_on.year}年{cert.issued_on.month}月{cert.issued_on.day}日",
        "广西南宁技师学院",
        c.name,
    ):
        assert fact in text, fact
    assert trainee.id_number not in text
    url = f"http://testserver/verify/?number={cert.number}"
    assert url in text  # printed under the code, for whoever types it
    assert qr_codes(data) == [url]
    # The code is the segno code of that address, and the address answers the public check.
    assert verify_qr(url) in paper_html(
        "evaluation/papers/certificate.html",
        {"cert": cert, "verify_url": url, "qr": verify_qr(url)},
        as_of=cert.created_at,
        font="x",
    )
    client.logout()
    parts = urlsplit(url)
    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200 and "证书真实有效" in page.content.decode()
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="evaluation.certificate")
    assert entry.object_id == str(cert.pk) and entry.person_id == trainee.pk
    assert entry.actor == lu and entry.note.startswith("导出PDF 1 行：职业技能等级证书")


@examples(max_examples=25, deadline=None)
@given(number=st.from_regex(r"[A-Z][0-9A-Z-]{0,39}", fullmatch=True))
def test_the_code_of_any_number_reads_back_as_its_check_address(number):
    # The QR code printed is segno's code of the address; a camera reads back that address.
    url = "https://skills.gxhrss.example.cn/verify/?" + urlencode({"number": number})
    code = segno.make(url, error="m")
    assert verify_qr(url) == code.svg_data_uri(scale=4, border=2)
    png = io.BytesIO()
    code.save(png, kind="png", scale=4, border=4)
    png.seek(0)
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(png))] == [url]


def test_the_qr_points_to_the_public_address_when_one_is_set(client, wei, certified, settings):
    cert, *_ = certified
    settings.SKILLAID_PUBLIC_URL = "https://skills.gxhrss.example.cn"
    data = pdf_bytes(download(client, wei, cert))
    assert qr_codes(data) == [f"https://skills.gxhrss.example.cn/verify/?number={cert.number}"]


def test_a_revoked_certificate_prints_as_revoked(client, wei, certified):
    cert, *_ = certified
    certificate_revoke(actor=wei, certificate=cert, reason="考核材料不实")
    text = pdf_text(pdf_bytes(download(client, wei, cert)))
    assert f"本证书已于{cert.issued_on:%Y-%m-%d}注销（考核材料不实）" in text


def test_the_same_certificate_prints_the_same_pdf_on_any_day(client, lu, certified):
    cert, *_ = certified
    made = []
    for later in (dt.timedelta(days=3), dt.timedelta(days=40, hours=7)):
        with time_machine.travel(cert.created_at + later, tick=False):
            made.append(pdf_bytes(download(client, lu, cert)))
    assert made[0] == made[1]


def test_only_those_who_may_see_the_certificate_download_it(
    client, wei, huang, rival, liang, certified
):
    cert, *_ = certified
    assert download(client, wei, cert).status_code == 200  # the holder's county
    assert download(client, liang, cert).status_code == 200  # the city above it
    assert download(client, huang, cert).status_code == 404  # another county
    assert download(client, rival, cert).status_code == 404  # another school's officer
    client.logout()
    assert client.get(reverse("certificate_pdf", args=[cert.pk])).status_code == 302
    assert download(client, wei, type(cert)(pk=cert.pk + 100)).status_code == 404
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 2


def test_the_certificate_list_links_each_certificates_pdf(client, lu, certified):
    cert, *_ = certified
    client.force_login(lu)
    html = client.get(reverse("certificates")).content.decode()
    assert reverse("certificate_pdf", args=[cert.pk]) in html


def test_the_lifelong_record_prints_as_pdf_for_those_who_see_the_person(
    client, wei, huang, lu, certified
):
    cert, trainee, c = certified
    client.force_login(wei)
    person_page = client.get(reverse("person_detail", args=[trainee.pk])).content.decode()
    assert reverse("person_record_pdf", args=[trainee.pk]) in person_page
    data = pdf_bytes(client.get(reverse("person_record_pdf", args=[trainee.pk])))
    text = pdf_text(data)
    for fact in (
        "终身职业技能培训电子档案",
        "蓝海燕",
        trainee.id_masked,
        "马山县",
        "参加培训",
        c.name,
        "出勤0/1课次（0.0%）",
        "结业",
        "已结业，成绩90.0，考核合格",
        "取得证书",
        cert.number,
        "有效",
    ):
        assert fact in text, fact
    assert trainee.id_number not in text
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="lifelong_record")
    assert entry.person_id == trainee.pk and entry.changes["rows"][1] >= 3
    for other in (huang, lu):  # another county's clerk; a school sees no ledger record
        client.force_login(other)
        assert client.get(reverse("person_record_pdf", args=[trainee.pk])).status_code == 404


# What a page of boxes looks like: every character the same empty square.


def glyph_crops(data: bytes, text: str, scale: float = 6) -> list[bytes]:
    """The ink of each character of `text` (its first occurrence on page 1), cut to its own
    bounds and scaled to 24×24 black and white: the same shape gives the same bytes."""
    doc = pdfium.PdfDocument(data)
    try:
        page = doc[0]
        height = page.get_height()
        image = page.render(scale=scale).to_pil().convert("L")
        chars = page.get_textpage()
        found = chars.get_text_range().find(text)
        assert found >= 0, f"{text} is not on the page"
        crops = []
        for i in range(found, found + len(text)):
            left, bottom, right, top = chars.get_charbox(i)
            pad = (top - bottom) * 0.2  # a box's outline may lie just outside its char box
            box = [
                round(v * scale)
                for v in (left - pad, height - top - pad, right + pad, height - bottom + pad)
            ]
            ink = image.crop(box).point(lambda v: 255 if v < 128 else 0)
            bounds = ink.getbbox()
            assert bounds is not None, f"no ink where {text[i - found]} should be"
            crops.append(
                ink.crop(bounds).resize((24, 24)).point(lambda v: 255 if v > 96 else 0).tobytes()
            )
    finally:
        doc.close()
    return crops


def differ(a: bytes, b: bytes) -> float:
    return sum(x != y for x, y in zip(a, b, strict=True)) / len(a)


def boxes(data: bytes, text: str) -> bool:
    """Whether the characters of `text` (all different) come out alike, as boxes do."""
    crops = glyph_crops(data, text)
    return all(differ(a, b) < 0.05 for a in crops for b in crops)


def glyphs(data: bytes, text: str) -> bool:
    """Whether each character of `text` (all different) comes out unlike every other."""
    crops = glyph_crops(data, text)
    return all(differ(a, b) > 0.1 for i, a in enumerate(crops) for b in crops[i + 1 :])


def latin_only_render(html: str, tmp_path) -> bytes | None:  # noqa: ANN001
    """`html` laid out by WeasyPrint on a machine with one Latin font and no Chinese one:
    fontconfig limited, in a child process, to a folder holding only that font."""
    listed = subprocess.run(["fc-list", ":lang=en", "file"], capture_output=True, text=True)
    chinese = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True)
    fonts = sorted(
        {line.rstrip(": ") for line in listed.stdout.splitlines()}
        - {line.rstrip(": ") for line in chinese.stdout.splitlines()}
    )
    fonts = [f for f in fonts if f.endswith(".ttf")]
    if not fonts:
        return None
    folder = tmp_path / "latin"
    folder.mkdir()
    (folder / os.path.basename(fonts[0])).symlink_to(fonts[0])
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{folder}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    (tmp_path / "paper.html").write_text(html, encoding="utf-8")
    out = tmp_path / "boxes.pdf"
    script = (
        "import sys; from weasyprint import HTML; HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "paper.html"), str(out)],
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


def test_the_certificate_page_renders_chinese_characters_not_boxes(certified, tmp_path):
    cert, *_ = certified
    url = f"http://testserver/verify/?number={cert.number}"
    context = {"cert": cert, "verify_url": url, "qr": verify_qr(url), "title": "证书"}
    data = render_pdf("evaluation/papers/certificate.html", context, as_of=cert.created_at)
    pages = save_pages(data, tmp_path, "certificate")  # to look at: tmp_path/certificate-1.png
    assert pages[0].stat().st_size > 10_000
    assert glyphs(data, "蓝海燕") and glyphs(data, "职业技能等级证书")
    # The same paper laid out without a Chinese font is boxes, and the check says so.
    html = paper_html(
        "evaluation/papers/certificate.html", context, as_of=cert.created_at, font=cjk_font().family
    )
    without = latin_only_render(html, tmp_path)
    if without is not None:
        save_pages(without, tmp_path, "boxes")
    if without is None:
        pytest.skip("no Latin-only font here to lay the paper out without a Chinese font")
    assert boxes(without, "蓝海燕") and not glyphs(without, "蓝海燕")


def test_the_same_record_prints_the_same_pdf_dated_by_its_last_change(client, wei, certified):
    cert, trainee, c = certified
    client.force_login(wei)
    made = []
    for later in (dt.timedelta(days=1), dt.timedelta(days=30, hours=5)):
        with time_machine.travel(cert.created_at + later, tick=False):
            made.append(pdf_bytes(client.get(reverse("person_record_pdf", args=[trainee.pk]))))
    assert made[0] == made[1]
    # Its date is the latest change: the certificate, issued after the completion.
    issued = timezone.localtime(cert.created_at)
    assert f"数据截至 {issued:%Y-%m-%d %H:%M}" in pdf_text(made[0])

"""Keyed-hash exchange: a key shown once, an export without plain ID numbers, and a
partner's keyed-hash file compared the same way."""

from __future__ import annotations

import csv
import hashlib
import hmac

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from skillaid.accounts.models import Action, AuditEntry
from skillaid.matching.exchange import exchange_export, exchange_key_create
from skillaid.matching.models import ExchangeKey

from .helpers import IDS, compare, load, make_people, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        yield tmp_path


def test_only_the_province_makes_a_key_and_it_is_shown_once(client, qin, wei, media):
    with pytest.raises(PermissionDenied):
        exchange_key_create(actor=wei, name="人社部", partner="人力资源社会保障部")
    client.force_login(qin)
    page = client.post(
        reverse("matching_keys"), {"name": "人社部", "partner": "人力资源社会保障部"}
    )
    key = ExchangeKey.objects.get()
    secret = key.secret.decode()
    assert secret in page.content.decode()
    assert secret not in key.key_sealed
    assert secret not in client.get(reverse("matching_keys")).content.decode()


def test_an_exported_exchange_file_holds_no_plain_id_number(qin, system, media):
    make_people(system)
    key, secret = exchange_key_create(actor=qin, name="部里", partner="人社部")
    dest = media / "out.csv"
    assert exchange_export(actor=qin, key=key, kind="assisted", dest=dest) == len(IDS)
    text = dest.read_text(encoding="utf-8-sig")
    assert not any(number in text for number in IDS.values())
    assert not any(number[:6] + number[14:] in text.replace(",", "") for number in IDS.values())
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][0] == "身份证号密文"
    expected = hmac.new(secret.encode(), IDS["韦一"].encode(), hashlib.sha256).hexdigest()
    assert expected in {r[0] for r in rows[1:]}
    entry = AuditEntry.objects.filter(action=Action.EXPORT).latest("id")
    assert "密文交换" in entry.note


def test_a_partners_keyed_hash_file_is_compared_the_same_way(qin, system, media):
    make_people(system)
    key, _ = exchange_key_create(actor=qin, name="部里", partner="人社部")
    ours = media / "ours.csv"
    exchange_export(actor=qin, key=key, kind="assisted", dest=ours)
    rows = list(csv.reader(ours.read_text(encoding="utf-8-sig").splitlines()))
    # The partner answers with the hashes it holds: all ours but one, plus one of its own.
    theirs = [[r[0], r[1], "脱贫户"] for r in rows[1:-1]]
    theirs.append(["0" * 64, "某人", "脱贫户"])
    path = write_csv(media / "partner.csv", theirs, header=["身份证号密文", "姓名", "户类型"])
    snapshot = load(qin, path, hashed=True, key=key.name)
    assert snapshot.hashed and snapshot.exchange_key == key
    run = compare(qin, snapshot)
    assert run.counts["only_theirs"] == 1 and run.counts["only_ours"] == 1
    assert run.counts["consistent"] + run.counts["different"] == len(IDS) - 1

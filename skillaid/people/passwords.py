"""The password rule a person's own account adds to the policy: no part of their ID number
that others know (the whole number, the birth date in it, its last six characters).

Listed in settings.AUTH_PASSWORD_VALIDATORS, so every place a password is chosen (the
opening page, the password change) applies it; a staff user has no person and passes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from skillaid.lib import idnumber

MESSAGE = "密码不能包含身份证号、出生日期或身份证号后六位"


def refuse_id_number(password: str, number: str) -> None:
    number = idnumber.normalise(str(number or ""))[0].upper()
    if len(number) != 18:
        return
    upper = password.upper()
    if number in upper or number[6:14] in upper or number[-6:] in upper:
        raise ValidationError(MESSAGE, code="password_id_number")


class IdNumberValidator:
    def validate(self, password: str, user: object = None) -> None:
        link = getattr(user, "person_account", None) if user is not None else None
        if link is not None:
            refuse_id_number(password, link.person.id_number)

    def get_help_text(self) -> str:
        return "学员密码不能包含身份证号、出生日期或身份证号后六位"

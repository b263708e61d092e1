"""Password rules of 等保 2.0 level 3, with their messages in Chinese whatever the page's language.

Django's validators do the checking; these subclasses only word their refusals for our users,
and add the one rule Django lacks (three of the four character classes).
"""

from __future__ import annotations

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短：至少需要 {self.min_length} 个字符"

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符"


CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda c: not c.isalnum()),
)


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        present = {name for name, test in CLASSES if any(test(c) for c in password)}
        if len(present) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类"
                f"（现有：{'、'.join(n for n, _ in CLASSES if n in present) or '无'}）",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类"


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "这个密码过于常见，容易被猜中，请换一个"

    def get_help_text(self) -> str:
        return "不能是常见密码"


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    DEFAULT_USER_ATTRIBUTES = ("username", "full_name", "email", "phone")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7):  # noqa: ANN001
        super().__init__(user_attributes, max_similarity)

    def validate(self, password: str, user: object = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as error:
            raise ValidationError(
                "密码与用户名、姓名或手机号太相近，请换一个", code="password_too_similar"
            ) from error
        # Django's similarity misses a username inside a longer password (wei → Wei2026!!ab).
        username = str(getattr(user, "username", "") or "")
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError("密码不能包含用户名", code="password_too_similar")

    def get_help_text(self) -> str:
        return "不能与用户名、姓名或手机号相近"

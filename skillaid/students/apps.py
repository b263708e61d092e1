from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "skillaid.students"
    verbose_name = "技工院校学生"

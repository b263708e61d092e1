from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "skillaid.students"
    verbose_name = "技工院校学生"

    def ready(self) -> None:
        from skillaid.accounts.imports.framework import register_importer
        from skillaid.accounts.sections import section_register
        from skillaid.evaluation.record import record_events_register

        # Enrolment (学籍): the roll import, the person's page and their own, the record.
        from .imports import StudentImport
        from .sections import own_students_section, person_students_section, record_events

        register_importer(StudentImport)
        section_register("person_detail", person_students_section, order=110)
        section_register("me", own_students_section, order=110)
        record_events_register(record_events)

        # What waits for a school's officer on their desk: last month's monitoring missing.
        from skillaid.accounts.desk import todo_register

        from .todos import monitoring_todos

        todo_register(monitoring_todos, order=40)

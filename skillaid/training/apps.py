from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "skillaid.training"
    verbose_name = "职业技能培训"

    def ready(self) -> None:
        # Class review runs on the review mechanism of accounts, which never imports training:
        # the workflow, with how classes are scoped to a user, is registered here.
        from skillaid.accounts.review import review_register

        from .classes.review import CLASS_REVIEW

        review_register(CLASS_REVIEW)

        # A school officer's home page opens on the classes that wait for them.
        from skillaid.accounts.sections import section_register

        from .home import home_classes_section

        section_register("home", home_classes_section)

        # A trainee signed in to their own account still signs in to their class.
        from skillaid.accounts.middleware import person_pages_register

        person_pages_register("sign")

        # A basis declared on a roster shows on the person page, verified or not.
        from skillaid.people.facts import declared_register

        from .classes.eligibility import declared_bases

        declared_register(declared_bases)

        # What waits for a user on their desk: classes to review, returned, to complete.
        from skillaid.accounts.desk import todo_register

        from .todos import training_todos

        todo_register(training_todos, order=10)

import sys
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stages.services.users import editor_grant


class Command(BaseCommand):
    help = (
        "Make USERNAME an editor: staff status and membership of the Editors group "
        "(setting editions up, results, checkpoints and race reports in the admin). "
        "With --create, a missing user is created and asked for a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--create", action="store_true", help="create the user if missing"
        )
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, username, create, email, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not create:
                raise CommandError(
                    f"No user {username!r}. Create it with --create (you will be "
                    "asked for a password) or with createsuperuser."
                )
            user = User(username=username, email=email)
            user.set_password(self.ask_password(user))
        editor_grant(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} is an editor: they can log in at /admin/, set "
                "editions up (races, teams, riders, start lists) and enter results, "
                "checkpoints and race reports."
            )
        )

    def ask_password(self, user) -> str:
        if not self.stdin_is_interactive():
            raise CommandError(
                "--create needs a terminal to ask for the password; or create the "
                "user first (createsuperuser, or the admin) and run make_editor."
            )
        while True:
            password = getpass(f"Password for {user.username}: ")
            if password != getpass("Password (again): "):
                self.stderr.write("The passwords differ; try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return password

    def stdin_is_interactive(self) -> bool:
        return sys.stdin.isatty()

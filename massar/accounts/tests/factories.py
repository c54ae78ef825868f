import factory

from massar.accounts.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Prenom{n}")
    last_name = "Alaoui"
    first_name_ar = "محمد"
    last_name_ar = "العلوي"
    password = factory.django.Password(PASSWORD)

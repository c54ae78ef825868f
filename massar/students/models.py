"""The electronic student file and its life: identity, guardians, documents, enrolments,
transfers, online pre-registrations and certificates.

A ``Student`` is one child for life, identified by a code Massar that is never reused. The
establishment that currently holds the file is kept on the row (``establishment``) so that
scoping needs no join; every year of schooling is an ``Enrolment``. Identity, guardian and
enrolment data keep a full history (who, when, what).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from massar.core.models import TimeStampedModel
from massar.curriculum.models import Level, Stream
from massar.territory.models import Commune, Establishment, SchoolYear

CODE_MASSAR_REGEX = r"^[A-Z][0-9]{9}$"
code_massar_validator = RegexValidator(
    CODE_MASSAR_REGEX,
    _("A code Massar is one capital letter followed by nine digits, e.g. D166027860."),
)
CIN_REGEX = r"^[A-Z]{1,2}[0-9]{1,8}$"
cin_validator = RegexValidator(
    CIN_REGEX,
    _("A national identity card number is one or two letters followed by digits, e.g. AB123456."),
)
PHONE_REGEX = r"^(\+212|0)[5-7][0-9]{8}$"
phone_validator = RegexValidator(
    PHONE_REGEX, _("Enter a Moroccan phone number, e.g. 0612345678 or +212612345678.")
)


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relationship(models.TextChoices):
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    GUARDIAN = "guardian", _("Legal guardian")


class PhoneOperator(models.TextChoices):
    IAM = "iam", _("Maroc Telecom")
    ORANGE = "orange", _("Orange")
    INWI = "inwi", _("inwi")
    OTHER = "other", _("Other")


class LanguageChoice(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    FRENCH = "fr", _("French")


class CodeSeries(models.Model):
    """A series of codes Massar: one letter and the next number to hand out.

    Numbers only ever go up, so a code is never handed out twice; codes imported from the
    national system are accepted as they are and skipped by the generator.
    """

    letter = models.CharField(
        _("letter"),
        max_length=1,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]$", _("One capital letter."))],
    )
    next_number = models.PositiveBigIntegerField(
        _("next number"), default=1, validators=[MaxValueValidator(999_999_999)]
    )
    is_active = models.BooleanField(_("in use"), default=False)

    class Meta:
        verbose_name = _("code Massar series")
        verbose_name_plural = _("code Massar series")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_code_series"
            ),
            models.CheckConstraint(
                condition=Q(next_number__gte=1, next_number__lte=1_000_000_000),
                name="code_series_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} · {self.next_number}"


class ChildIdentity(models.Model):
    """Who a child is, as a school file and a parent's online request both record it."""

    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100)
    first_name_fr = models.CharField(_("first name (Latin script)"), max_length=100)
    last_name_fr = models.CharField(_("last name (Latin script)"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    birth_place_ar = models.CharField(_("birth place (Arabic)"), max_length=100, blank=True)
    birth_place_fr = models.CharField(_("birth place (Latin script)"), max_length=100, blank=True)
    civil_record_number = models.CharField(
        _("civil-status record number"), max_length=20, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def full_name_ar(self) -> str:
        return f"{self.first_name_ar} {self.last_name_ar}".strip()

    @property
    def full_name_fr(self) -> str:
        return f"{self.first_name_fr} {self.last_name_fr}".strip()

    @property
    def full_name(self) -> str:
        from massar.core.i18n import pick

        return pick(ar=self.full_name_ar, fr=self.full_name_fr)

    @property
    def birth_place(self) -> str:
        from massar.core.i18n import pick

        return pick(ar=self.birth_place_ar, fr=self.birth_place_fr)


class Student(ChildIdentity, TimeStampedModel):
    """A pupil's file, from preschool to the baccalaureate, across establishments."""

    code_massar = models.CharField(
        _("code Massar"), max_length=10, unique=True, validators=[code_massar_validator]
    )
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # Indexed by ``student_school_name_idx`` (establishment first): no index of its own.
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="students",
        verbose_name=_("establishment holding the file"),
        db_index=False,
    )
    civil_record_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("civil-status commune"),
    )
    civil_record_year = models.PositiveSmallIntegerField(
        _("civil-status record year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1980), MaxValueValidator(2100)],
    )
    nationality = models.CharField(_("nationality"), max_length=2, default="MA")
    special_needs = models.CharField(_("special needs"), max_length=300, blank=True)
    health_notes = models.TextField(
        _("health notes"),
        blank=True,
        help_text=_("Restricted: shown to the director and staff of the school only."),
    )
    photo = models.FileField(_("photo"), upload_to="students/photos/", blank=True)
    # Keys under which spelling variants of the same name collide (see massar.core.names).
    name_key_ar = models.CharField(max_length=200, editable=False, db_index=False)
    name_key_latin = models.CharField(max_length=200, editable=False, db_index=False)
    # Both scripts' names, folded and lower-cased, for "contains" search (trigram index on
    # PostgreSQL, see migration 0003).
    search_name = models.CharField(max_length=420, editable=False, default="")
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("merged into"),
        help_text=_("A duplicate file merged into another; its code resolves to that file."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupil_files",
        verbose_name=_("pupil account"),
        db_index=False,  # the partial unique constraint below indexes the accounts
        help_text=_("The pupil's own login (their code Massar), when the school issued one."),
    )
    # History rows are read per file (by ``id``); indexes on their other columns would only
    # slow every write and the national bulk load.
    history = HistoricalRecords(
        excluded_fields=["name_key_ar", "name_key_latin", "search_name", "updated_at", "user"],
        no_db_index=[
            "code_massar",
            "public_id",
            "establishment",
            "civil_record_commune",
            "merged_into",
        ],
    )

    class Meta:
        ordering = ["last_name_fr", "first_name_fr"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            models.CheckConstraint(
                condition=Q(code_massar__regex=CODE_MASSAR_REGEX), name="student_code_format"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="student_not_merged_into_itself"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(user__isnull=False),
                name="student_one_file_per_account",
            ),
        ]
        indexes = [
            models.Index(fields=["birth_date", "name_key_ar"], name="student_dup_ar_idx"),
            models.Index(fields=["birth_date", "name_key_latin"], name="student_dup_latin_idx"),
            models.Index(fields=["establishment", "last_name_fr"], name="student_school_name_idx"),
            models.Index(fields=["last_name_ar", "first_name_ar"], name="student_name_ar_idx"),
            models.Index(fields=["last_name_fr", "first_name_fr"], name="student_name_fr_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code_massar} · {self.full_name}"


class Guardian(TimeStampedModel):
    """A father, mother or legal guardian of a pupil; one of them is the contact."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("student")
    )
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100, blank=True)
    first_name_fr = models.CharField(_("first name (Latin script)"), max_length=100, blank=True)
    last_name_fr = models.CharField(_("last name (Latin script)"), max_length=100, blank=True)
    cin = models.CharField(
        _("national identity card (CIN)"), max_length=10, blank=True, validators=[cin_validator]
    )
    phone = models.CharField(_("phone"), max_length=13, blank=True, validators=[phone_validator])
    phone_operator = models.CharField(
        _("mobile operator"), max_length=8, choices=PhoneOperator.choices, blank=True
    )
    email = models.EmailField(_("e-mail"), blank=True)
    profession = models.CharField(_("profession"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=LanguageChoice.choices,
        default=LanguageChoice.ARABIC,
    )
    is_contact = models.BooleanField(_("contact person"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardianships",
        verbose_name=_("parent account"),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["user"])

    class Meta:
        ordering = ["student", "relationship"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "relationship"],
                condition=~Q(relationship="guardian"),
                name="guardian_one_father_one_mother",
            ),
            models.UniqueConstraint(
                fields=["student"], condition=Q(is_contact=True), name="guardian_one_contact"
            ),
        ]
        indexes = [models.Index(fields=["cin"], name="guardian_cin_idx")]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()} · {self.full_name}"

    @property
    def full_name(self) -> str:
        from massar.core.i18n import pick

        return pick(
            ar=f"{self.first_name_ar} {self.last_name_ar}".strip(),
            fr=f"{self.first_name_fr} {self.last_name_fr}".strip(),
        )


class DocumentKind(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    PHOTO = "photo", _("Photo")
    LEAVING_CERTIFICATE = "leaving_certificate", _("Leaving certificate")
    MEDICAL = "medical", _("Medical certificate")
    OTHER = "other", _("Other document")


class StudentDocument(models.Model):
    """A scanned document attached to a file (type and size checked when uploaded)."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="documents", verbose_name=_("student")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="students/documents/%Y/")
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("format"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class EnrolmentStatus(models.TextChoices):
    PRE_REGISTERED = "pre_registered", _("Pre-registered")
    REGISTERED = "registered", _("Registered")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    LEFT = "left", _("Left school")
    GRADUATED = "graduated", _("Graduated")


ACTIVE_ENROLMENT_STATUSES = (EnrolmentStatus.PRE_REGISTERED, EnrolmentStatus.REGISTERED)


class EnrolmentKind(models.TextChoices):
    NEW = "new", _("New registration")
    CONTINUING = "continuing", _("Re-registration")
    TRANSFER_IN = "transfer_in", _("Arrival by transfer")


class YearDecision(models.TextChoices):
    """The class council's decision at the end of the year (filled by assessment)."""

    PASS = "pass", _("Passes")
    REPEAT = "repeat", _("Repeats")
    EXCLUDED = "excluded", _("End of schooling")


class Enrolment(TimeStampedModel):
    """A pupil's year in an establishment, level and stream. One active enrolment per year."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("student")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    # Indexed by ``enrolment_school_level_idx`` (establishment first): no index of its own.
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("establishment"),
        db_index=False,
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    stream = models.ForeignKey(
        Stream, on_delete=models.PROTECT, related_name="+", verbose_name=_("stream")
    )
    class_label = models.CharField(
        _("class"), max_length=30, blank=True, help_text=_("e.g. 1APIC-1, TCS-2, 2BAC PC-1.")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.REGISTERED,
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=EnrolmentKind.choices, default=EnrolmentKind.NEW
    )
    is_repeating = models.BooleanField(_("repeating the level"), default=False)
    entered_on = models.DateField(_("entered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=YearDecision.choices, blank=True
    )
    annual_average = models.DecimalField(
        _("annual average"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["school_year", "establishment", "level", "stream"],
    )

    class Meta:
        ordering = ["student", "-school_year__starts_on", "-entered_on"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"],
                condition=Q(status__in=["pre_registered", "registered"]),
                name="enrolment_one_active_per_year",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("entered_on")),
                name="enrolment_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["establishment", "school_year", "level", "status"],
                name="enrolment_school_level_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student.code_massar} · {self.school_year} · {self.level.code}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ENROLMENT_STATUSES


class DuplicateConfirmation(models.Model):
    """A file created although it looked like an existing child: who decided, and why."""

    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        related_name="duplicate_confirmations",
        verbose_name=_("student"),
    )
    candidate_codes = models.JSONField(_("codes of the similar files"), default=list)
    reason = models.CharField(_("reason"), max_length=300)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate confirmation")
        verbose_name_plural = _("duplicate confirmations")

    def __str__(self) -> str:
        return f"{self.student_id} · {self.reason}"


class StudentMerge(models.Model):
    """A confirmed duplicate merged into the surviving file (the retired code resolves to it)."""

    survivor = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="merges", verbose_name=_("surviving file")
    )
    retired = models.OneToOneField(
        Student, on_delete=models.PROTECT, related_name="+", verbose_name=_("retired file")
    )
    retired_code = models.CharField(_("retired code Massar"), max_length=10, unique=True)
    reason = models.CharField(_("reason"), max_length=300)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merge of duplicate files")
        verbose_name_plural = _("merges of duplicate files")

    def __str__(self) -> str:
        return f"{self.retired_code} → {self.survivor_id}"


class FileRead(models.Model):
    """A read of a student file by staff (law 09-08: reads of minors' data are logged)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("read of a student file")
        verbose_name_plural = _("reads of student files")
        indexes = [models.Index(fields=["student", "read_at"], name="file_read_student_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.student_id} · {self.read_at}"


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(TimeStampedModel):
    """A move of a pupil from one establishment to another during or between years."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("student")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    from_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        verbose_name=_("sending establishment"),
    )
    to_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("receiving establishment"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.REQUESTED,
    )
    reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_establishment=F("to_establishment")),
                name="transfer_between_two_establishments",
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status="requested"),
                name="transfer_one_pending_per_student",
            ),
        ]
        indexes = [
            models.Index(fields=["from_establishment", "status"], name="transfer_from_idx"),
            models.Index(fields=["to_establishment", "status"], name="transfer_to_idx"),
        ]


class CertificateKind(models.TextChoices):
    SCHOOL = "school", _("School certificate")
    LEAVING = "leaving", _("Leaving certificate")
    REGISTRATION_RECEIPT = "registration_receipt", _("Registration receipt")


class Certificate(models.Model):
    """An issued certificate: a frozen copy of what it says, checkable by its verification code."""

    kind = models.CharField(_("kind"), max_length=24, choices=CertificateKind.choices)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("student")
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("issuing establishment"),
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="certificates", null=True, blank=True
    )
    content = models.JSONField(_("content"), default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.verification_code


class RegistrationCalendar(models.Model):
    """Dates and age rules of registration for one school year (data, not constants)."""

    school_year = models.OneToOneField(
        SchoolYear,
        on_delete=models.CASCADE,
        related_name="registration_calendar",
        verbose_name=_("school year"),
    )
    preregistration_opens_on = models.DateField(_("online pre-registration opens on"))
    preregistration_closes_on = models.DateField(_("online pre-registration closes on"))
    review_closes_on = models.DateField(_("schools review requests until"))
    age_cutoff_date = models.DateField(
        _("age cut-off date"), help_text=_("Ages are counted on this date.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration calendar")
        verbose_name_plural = _("registration calendars")
        constraints = [
            models.CheckConstraint(
                condition=Q(preregistration_closes_on__gte=F("preregistration_opens_on")),
                name="registration_calendar_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.school_year)


class LevelAgeRule(models.Model):
    """The ages (at the cut-off date) at which a pupil may be registered in a level."""

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("school year")
    )
    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="+", verbose_name=_("level")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"))
    max_age = models.PositiveSmallIntegerField(_("maximum age"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["school_year", "level__order"]
        verbose_name = _("age rule")
        verbose_name_plural = _("age rules")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "level"], name="level_age_rule_unique"),
            models.CheckConstraint(
                condition=Q(max_age__gte=F("min_age")), name="level_age_rule_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} · {self.level.code}: {self.min_age}–{self.max_age}"


class PreRegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DOCUMENT_REQUESTED = "document_requested", _("Missing document requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PreRegistration(ChildIdentity, TimeStampedModel):
    """A parent's online request to register a child (1st primary or preschool)."""

    reference = models.CharField(_("reference"), max_length=12, unique=True)
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="preregistrations",
        verbose_name=_("parent account"),
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="preregistrations",
        verbose_name=_("establishment"),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    # The child: the fields of ChildIdentity
    # The guardian who asks
    guardian_relationship = models.CharField(
        _("relationship"), max_length=10, choices=Relationship.choices
    )
    guardian_first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100)
    guardian_last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100)
    guardian_first_name_fr = models.CharField(_("first name (Latin script)"), max_length=100)
    guardian_last_name_fr = models.CharField(_("last name (Latin script)"), max_length=100)
    guardian_cin = models.CharField(
        _("national identity card (CIN)"), max_length=10, validators=[cin_validator]
    )
    guardian_phone = models.CharField(
        _("phone"), max_length=13, blank=True, validators=[phone_validator]
    )
    guardian_email = models.EmailField(_("e-mail"), blank=True)
    guardian_profession = models.CharField(_("profession"), max_length=100, blank=True)
    birth_certificate = models.FileField(
        _("birth certificate"), upload_to="preregistrations/%Y/", blank=True
    )
    birth_certificate_type = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PreRegistrationStatus.choices,
        default=PreRegistrationStatus.SUBMITTED,
    )
    school_note = models.CharField(
        _("message from the school"),
        max_length=300,
        blank=True,
        help_text=_("The reason for a refusal, or the document that is missing."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    student = models.ForeignKey(
        Student,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preregistrations",
        verbose_name=_("student file created"),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("online pre-registration")
        verbose_name_plural = _("online pre-registrations")
        indexes = [
            models.Index(fields=["establishment", "status"], name="prereg_school_status_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

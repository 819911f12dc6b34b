from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import TandemForm, TandemModelForm
from tandem.core.roles import Role
from tandem.organisations.models import Organisation, OrganisationKind, Partnership, Person, Site


class PartnershipForm(TandemModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "description", "region", "require_mfa_for_admins"]


class OrganisationForm(TandemModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    cpd_target_hours = forms.IntegerField(
        label="Annual CPD target (hours)",
        min_value=1,
        max_value=200,
        help_text="Hours of continuing professional development each person aims for in an "
        "academic year (1 August to 31 July), from 1 to 200",
        error_messages={
            "required": "Enter the annual CPD target in hours",
            "invalid": "Enter the annual CPD target as a whole number of hours",
            "min_value": "The annual CPD target must be at least 1 hour",
            "max_value": "The annual CPD target must be 200 hours or fewer",
        },
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "website", "require_mfa_for_staff", "cpd_target_hours"]


class NewOrganisationForm(TandemForm):
    name = forms.CharField(max_length=200, label="Organisation name")
    kind = forms.ChoiceField(choices=OrganisationKind.choices, label="Kind of organisation")
    region = forms.CharField(max_length=100, required=False)
    website = forms.URLField(required=False, assume_scheme="https")


class AddMemberForm(TandemForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation to add",
        empty_label="Choose an organisation",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SiteForm(TandemModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "postcode"]


class PersonForm(TandemModelForm):
    class Meta:
        model = Person
        fields = ["given_name", "family_name", "email", "phone", "job_title"]
        labels = {
            "given_name": "Given name",
            "family_name": "Family name",
            "email": "Email address",
        }

    def validate_unique(self) -> None:
        # Uniqueness is checked by the service, which reports it on the field.
        pass


class NewPersonForm(PersonForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Roles in this organisation",
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="No site"
    )

    class Meta(PersonForm.Meta):
        pass

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class GrantRoleForm(TandemForm):
    role = forms.ChoiceField(choices=Role.choices)
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="No site"
    )

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class LineManagerForm(TandemForm):
    manager = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Line manager",
        empty_label="No line manager",
        help_text=(
            "A line manager should not mentor the people they manage; "
            "Tandem uses this to prevent it."
        ),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = candidates


class AppointAdminForm(TandemForm):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Person to appoint",
        empty_label="Choose a person",
        help_text="Administrators manage the partnership's members and see its statistics.",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates

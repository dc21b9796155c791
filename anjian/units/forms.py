"""The unit form: choices narrowed to the user's jurisdiction, cleaned into UnitData."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import Role
from anjian.core.scope import region_prefix
from anjian.regions.models import Division, Grid, Level
from anjian.units.models import RiskClass, Sector, Unit, UnitStatus
from anjian.units.services import UnitData
from anjian.web.forms import bootstrap

if TYPE_CHECKING:
    from anjian.accounts.models import User


def regions_for(user: User) -> list[tuple[str, str]]:
    """Townships and villages the user may register units in, as (code, '安定镇 / 小田村')."""
    prefix = region_prefix(user) or ""
    rows = Division.objects.filter(
        code__startswith=prefix, level__in=[Level.TOWNSHIP, Level.VILLAGE]
    ).values_list("code", "name", "level")
    names: dict[str, str] = {}
    out: list[tuple[str, str]] = []
    for code, name, level in rows:  # ordered by code: a township comes before its villages
        if level == Level.TOWNSHIP:
            names[code[:9]] = name
            out.append((code, name))
        else:
            out.append((code, f"{names.get(code[:9], '')} / {name}"))
    return out


def sectors_for(user: User) -> Any:
    if user.role == Role.DEPARTMENT and user.org is not None:
        return user.org.sectors.all()
    return Sector.objects.all()


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=128)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=24, required=False, help_text="18位；个体或场所没有的可不填"
    )
    region_code = forms.ChoiceField(label="所属区划")
    grid = forms.ModelChoiceField(label="网格", queryset=Grid.objects.none(), required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    lng = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, required=False)
    lat = forms.DecimalField(label="纬度", max_digits=9, decimal_places=6, required=False)
    sector = forms.ModelChoiceField(label="行业领域", queryset=Sector.objects.none())
    industry_code = forms.CharField(label="国民经济行业代码", max_length=5, required=False)
    department = forms.ModelChoiceField(
        label="监管部门", queryset=Organization.objects.none(), required=False, help_text="不选则按行业领域自动确定"
    )
    key_supervision = forms.BooleanField(label="重点监管", required=False)
    risk_class = forms.ChoiceField(label="分级分类", choices=[("", "未分级"), *RiskClass.choices], required=False)
    above_scale = forms.BooleanField(label="规模以上", required=False)
    principal = forms.CharField(label="主要负责人", max_length=32, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    status = forms.ChoiceField(label="状态", choices=UnitStatus.choices, initial=UnitStatus.NORMAL)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefix = region_prefix(user) or ""
        self.fields["region_code"].choices = regions_for(user)  # type: ignore[attr-defined]
        self.fields["grid"].queryset = Grid.objects.filter(region_code__startswith=prefix)  # type: ignore[attr-defined]
        self.fields["sector"].queryset = sectors_for(user)  # type: ignore[attr-defined]
        self.fields["department"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.DEPARTMENT, region_code__startswith=prefix[:6]
        )
        bootstrap(self)

    @classmethod
    def initial_from(cls, unit: Unit) -> dict[str, Any]:
        return {
            "name": unit.name,
            "credit_code": unit.credit_code,
            "region_code": unit.region_code,
            "grid": unit.grid_id,
            "address": unit.address,
            "lng": unit.lng,
            "lat": unit.lat,
            "sector": unit.sector_id,
            "industry_code": unit.industry_code,
            "department": unit.department_id,
            "key_supervision": unit.key_supervision,
            "risk_class": unit.risk_class,
            "above_scale": unit.above_scale,
            "principal": unit.principal,
            "phone": unit.phone,
            "status": unit.status,
        }

    def to_data(self) -> UnitData:
        d = self.cleaned_data
        return UnitData(
            name=d["name"],
            credit_code=d["credit_code"] or "",
            region_code=d["region_code"],
            grid=d["grid"],
            address=d["address"],
            lng=d["lng"],
            lat=d["lat"],
            sector=d["sector"],
            industry_code=d["industry_code"],
            department=d["department"],
            key_supervision=d["key_supervision"],
            risk_class=d["risk_class"],
            above_scale=d["above_scale"],
            principal=d["principal"],
            phone=d["phone"],
            status=d["status"],
        )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(None if name not in self.fields else name, message)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label="注销原因", max_length=200, widget=forms.TextInput(attrs={"required": True}))


class AssignmentForm(forms.Form):
    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="包联干部", queryset=None)  # type: ignore[arg-type]
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from anjian.accounts.models import User as UserModel

        prefix = region_prefix(user) or ""
        self.fields["person"].queryset = UserModel.objects.filter(  # type: ignore[attr-defined]
            is_active=True, org__region_code__startswith=prefix[:6],
            role__in=[Role.DEPARTMENT, Role.COUNTY_ADMIN, Role.LEADER, Role.TOWNSHIP],
        ).order_by("org__name", "full_name")
        bootstrap(self)


class TownshipAssignmentForm(AssignmentForm):
    township = forms.ModelChoiceField(label="包联乡镇", queryset=Division.objects.none())
    field_order = ["township", "person", "note"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        prefix = region_prefix(user) or ""
        self.fields["township"].queryset = Division.objects.filter(  # type: ignore[attr-defined]
            code__startswith=prefix, level=Level.TOWNSHIP
        )
        self.fields["person"].label = "包联县领导"
        self.fields["person"].queryset = self.fields["person"].queryset.filter(  # type: ignore[attr-defined]
            role__in=[Role.LEADER, Role.COUNTY_ADMIN]
        )
        bootstrap(self)

"""The catalogue in spreadsheets (Excel or CSV): matters, their materials and the bundles, with the column headings
the halls' own 事项目录 use. Every value goes through the model's validation; a code that names nothing (a
department, a matter, a licence type, a theme) is refused with the code in the message, never dropped or created."""

import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from centers.models import Department
from hall.parsing import ParseError, parse_count
from licenses.models import LicenseType
from matters.models import Bundle, CaseType, Material, Matter, OnlineDepth, ServiceObject, ServiceScope, Theme

YES, NO = "是", "否"


def _text(value) -> str:
    """A cell as text after NFKC (full-width digits and letters become ASCII), without surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 5 as 5.0
    return unicodedata.normalize("NFKC", str(value)).strip()


class CodeWidget(widgets.ForeignKeyWidget):
    """A row named by its code; an unknown code is the row's error."""

    def __init__(self, model, field: str, label: str):
        super().__init__(model, field)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        code = _text(value)
        if not code:
            return None
        found = self.model.objects.filter(**{self.field: code}).first()
        if found is None:
            raise ValueError(_("No %(label)s has the code %(code)s.") % {"label": self.label, "code": code})
        return found


class CodesWidget(widgets.ManyToManyWidget):
    """Several codes in one cell, separated by ; or , (full-width too)."""

    def __init__(self, model, field: str, label: str):
        super().__init__(model, separator=";", field=field)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        codes = [c.strip() for c in _text(value).replace(",", ";").split(";") if c.strip()]
        found = {getattr(obj, self.field): obj for obj in self.model.objects.filter(**{f"{self.field}__in": codes})}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValueError(
                _("No %(label)s has the code %(code)s.") % {"label": self.label, "code": "、".join(unknown)}
            )
        return [found[code] for code in dict.fromkeys(codes)]

    def render(self, value, obj=None, **kwargs):
        return ";".join(str(getattr(item, self.field)) for item in value.all()) if value is not None else ""


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese name (承诺件) or its stored value (promised)."""

    def __init__(self, names: dict, label: str):
        self.names, self.label = names, label
        self.values = {_text(name): value for value, name in names.items()} | {str(v): v for v in names}
        self.names_text = "、".join(names.values())

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if text not in self.values:
            raise ValueError(
                _("%(label)s must be one of: %(names)s.")
                % {"label": self.label, "names": "、".join(self.names.values())}
            )
        return self.values[text]

    def render(self, value, obj=None, **kwargs):
        return self.names.get(value, value)


class YesNoWidget(widgets.Widget):
    TRUE, FALSE = {"是", "1", "true", "yes", "y"}, {"否", "0", "false", "no", "n"}

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Write 是 or 否."))

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO


class CountWidget(widgets.Widget):
    """A whole number of at most 3 digits (days, visits, copies, minutes)."""

    def clean(self, value, row=None, **kwargs):
        try:
            return parse_count(_text(value), low=0, high=999, message=_("Write a whole number, for example 5."))
        except ParseError as error:
            raise ValueError(" ".join(error.messages)) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)


MATTER_TYPES = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}
CASE_TYPES = {CaseType.INSTANT: "即办件", CaseType.PROMISED: "承诺件"}
DEPTHS = {OnlineDepth.I: "Ⅰ", OnlineDepth.II: "Ⅱ", OnlineDepth.III: "Ⅲ", OnlineDepth.IV: "Ⅳ"}
OBJECTS = {ServiceObject.PERSON: "自然人", ServiceObject.LEGAL: "法人", ServiceObject.BOTH: "自然人和法人"}
SCOPES = {ServiceScope.CITY: "全市通办", ServiceScope.PROVINCE: "省内通办", ServiceScope.NATIONAL: "跨省通办"}
FORMS = {Material.Form.PAPER: "纸质", Material.Form.ELECTRONIC: "电子", Material.Form.BOTH: "纸质或电子"}


def _field(attribute: str, column: str, widget=None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget or TextWidget())


class CatalogueResource(resources.ModelResource):
    """Shared behaviour: every row through full_clean(), one transaction, no silent skips."""

    class Meta:
        abstract = True
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's errors under the column headings the spreadsheet has, not the model's field names."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            columns[NON_FIELD_ERRORS] = _("whole row")
            raise ValidationError({columns.get(k, k): v for k, v in error.message_dict.items()}) from None

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # a code that names nothing: refused with its message when the row's fields are read


class MatterResource(CatalogueResource):
    implementation_code = _field("implementation_code", "实施编码")
    basic_code = _field("basic_code", "基本编码")
    name = _field("name", "事项名称")
    department = fields.Field("department", "部门编码", CodeWidget(Department, "code", "部门"))
    matter_type = fields.Field("matter_type", "事项类型", ChoiceWidget(MATTER_TYPES, "事项类型"))
    case_type = fields.Field("case_type", "办件类型", ChoiceWidget(CASE_TYPES, "办件类型"))
    legal_limit_days = fields.Field("legal_limit_days", "法定办结时限（工作日）", CountWidget())
    promised_limit_days = fields.Field("promised_limit_days", "承诺办结时限（工作日）", CountWidget())
    visits = fields.Field("visits", "到现场次数", CountWidget())
    online_depth = fields.Field("online_depth", "网办深度", ChoiceWidget(DEPTHS, "网办深度"))
    service_object = fields.Field("service_object", "服务对象", ChoiceWidget(OBJECTS, "服务对象"))
    scope = fields.Field("scope", "通办范围", ChoiceWidget(SCOPES, "通办范围"))
    supports_appointment = fields.Field("supports_appointment", "支持预约", YesNoWidget())
    mean_service_minutes = fields.Field("mean_service_minutes", "平均办理时长（分钟）", CountWidget())
    location = _field("location", "办理地点")
    office_hours = _field("office_hours", "办理时间")
    consult_phone = _field("consult_phone", "咨询电话")
    complaint_phone = _field("complaint_phone", "监督投诉电话")
    conditions = _field("conditions", "受理条件")
    legal_basis = _field("legal_basis", "设定依据")
    themes = fields.Field("themes", "主题编码", CodesWidget(Theme, "code", "主题"))
    is_active = fields.Field("is_active", "在用", YesNoWidget())

    class Meta(CatalogueResource.Meta):
        model = Matter
        import_id_fields = ["implementation_code"]
        fields = [
            "implementation_code",
            "basic_code",
            "name",
            "department",
            "matter_type",
            "case_type",
            "legal_limit_days",
            "promised_limit_days",
            "visits",
            "online_depth",
            "service_object",
            "scope",
            "supports_appointment",
            "mean_service_minutes",
            "location",
            "office_hours",
            "consult_phone",
            "complaint_phone",
            "conditions",
            "legal_basis",
            "themes",
            "is_active",
        ]

    def get_queryset(self):
        return Matter.objects.select_related("department").prefetch_related("themes")


class MaterialResource(CatalogueResource):
    matter = fields.Field("matter", "实施编码", CodeWidget(Matter, "implementation_code", "事项"))
    name = _field("name", "材料名称")
    is_required = fields.Field("is_required", "必要", YesNoWidget())
    condition = _field("condition", "需要的条件")
    form = fields.Field("form", "材料形式", ChoiceWidget(FORMS, "材料形式"))
    copies = fields.Field("copies", "份数", CountWidget())
    source = _field("source", "来源渠道")
    license_type = fields.Field("license_type", "证照类型编码", CodeWidget(LicenseType, "code", "证照类型"))
    sort_order = fields.Field("sort_order", "顺序", CountWidget())

    class Meta(CatalogueResource.Meta):
        model = Material
        import_id_fields = ["matter", "name"]
        fields = [
            "matter",
            "name",
            "is_required",
            "condition",
            "form",
            "copies",
            "source",
            "license_type",
            "sort_order",
        ]

    def get_queryset(self):
        return Material.objects.select_related("matter", "license_type")


class BundleResource(CatalogueResource):
    code = _field("code", "一件事编码")
    name = _field("name", "名称")
    description = _field("description", "说明")
    audience = fields.Field("audience", "服务对象", ChoiceWidget(OBJECTS, "服务对象"))
    promised_limit_days = fields.Field("promised_limit_days", "承诺办结时限（工作日）", CountWidget())
    matters = fields.Field("matters", "事项实施编码", CodesWidget(Matter, "implementation_code", "事项"))
    themes = fields.Field("themes", "主题编码", CodesWidget(Theme, "code", "主题"))
    is_active = fields.Field("is_active", "在用", YesNoWidget())

    class Meta(CatalogueResource.Meta):
        model = Bundle
        import_id_fields = ["code"]
        fields = ["code", "name", "description", "audience", "promised_limit_days", "matters", "themes", "is_active"]

    def get_queryset(self):
        return Bundle.objects.prefetch_related("matters", "themes")

"""The catalogue in spreadsheets: an import with good and bad rows writes nothing and reports every bad row with its
line and reason; a clean import writes every row; an export reads back in unchanged."""

import csv
import io
import json
import re

import pytest
import tablib
from django.test import Client

from hall.identity import uscc_check_char
from matters.models import Bundle, Material, Matter
from matters.resources import BundleResource, MaterialResource, MatterResource
from tests.factories import DepartmentFactory, LicenseTypeFactory, UserFactory

pytestmark = pytest.mark.django_db
BODY = "11330105002510311"
BODY += uscc_check_char(BODY)
HEADERS = [field.column_name for field in MatterResource().get_export_fields()]


def matter_row(basic_code: str, name: str, **changes) -> dict:
    row = {
        "实施编码": f"{BODY}3{basic_code}",
        "基本编码": basic_code,
        "事项名称": name,
        "部门编码": "SCJG",
        "事项类型": "行政许可",
        "办件类型": "承诺件",
        "法定办结时限（工作日）": "20",
        "承诺办结时限（工作日）": "5",
        "到现场次数": "1",
        "网办深度": "Ⅲ",
        "服务对象": "法人",
        "通办范围": "全市通办",
        "支持预约": "是",
        "平均办理时长（分钟）": "15",
        "办理地点": "示范区政务服务中心二楼",
        "办理时间": "工作日 9:00-17:00",
        "咨询电话": "0571-87062310",
        "监督投诉电话": "12345",
        "受理条件": "",
        "设定依据": "",
        "主题编码": "",
        "在用": "是",
    }
    row.update(changes)
    return row


def csv_upload(rows: list[dict]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(text.getvalue().encode("utf-8"))
    upload.name = "matters.csv"
    return upload


@pytest.fixture
def admin_client():
    DepartmentFactory(code="SCJG", name="示范区市场监督管理局")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def import_matters(client, rows):
    return client.post(
        "/admin/matters/matter/import/",
        {"import_file": csv_upload(rows), "format": "0", "resource": "0"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_good_and_bad_rows_write_nothing_and_every_bad_row_is_reported(admin_client):
    rows = [
        matter_row("010112001001", "有限责任公司设立登记"),
        matter_row("010112001002", "承诺超过法定", **{"承诺办结时限（工作日）": "30"}),
        matter_row("010112001003", "部门不存在", **{"部门编码": "NOPE"}),
        matter_row("010112001004", "全程网办却要跑", **{"网办深度": "Ⅳ", "到现场次数": "1"}),
        matter_row("01011200100", "基本编码太短"),
        matter_row("010112001006", "办件类型写错", **{"办件类型": "马上办"}),
    ]
    response = import_matters(admin_client, rows)
    page = response.content.decode()
    assert response.status_code == 200
    assert Matter.objects.count() == 0
    errors = _error_rows(page)
    # Every bad row is listed with its reasons under the spreadsheet's own headings; the good row is not.
    assert sorted(errors) == [2, 3, 4, 5, 6]
    assert "承诺办结时限（工作日）" in errors[2] and "30" in errors[2] and "20" in errors[2]
    assert "NOPE" in errors[3]
    assert "到现场次数" in errors[4]
    assert "基本编码" in errors[5]
    assert "办件类型" in errors[6] and "即办件" in errors[6]


def test_the_service_level_check_lists_each_bad_row_with_its_reason(admin_client):
    rows = [
        matter_row("010112001001", "有限责任公司设立登记"),
        matter_row("010112001002", "承诺超过法定", **{"承诺办结时限（工作日）": "30"}),
        matter_row("010112001003", "部门不存在", **{"部门编码": "NOPE"}),
    ]
    dataset = tablib.Dataset(headers=HEADERS)
    for row in rows:
        dataset.append([row[h] for h in HEADERS])
    result = MatterResource().import_data(dataset, dry_run=True)
    assert result.has_validation_errors()
    invalid = {row.number: row for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "承诺办结时限（工作日）" in invalid[2].field_specific_errors
    assert any("NOPE" in message for message in invalid[3].field_specific_errors["部门编码"])
    assert Matter.objects.count() == 0


def test_a_clean_import_writes_every_row_and_a_second_run_changes_nothing(admin_client):
    rows = [matter_row("010112001001", "有限责任公司设立登记"), matter_row("010112001002", "有限责任公司变更登记")]
    dataset = tablib.Dataset(headers=HEADERS)
    for row in rows:
        dataset.append([row[h] for h in HEADERS])
    result = MatterResource().import_data(dataset)
    assert not result.has_errors() and not result.has_validation_errors()
    assert set(Matter.objects.values_list("name", flat=True)) == {"有限责任公司设立登记", "有限责任公司变更登记"}
    matter = Matter.objects.get(basic_code="010112001001")
    assert matter.case_type == "promised" and matter.online_depth == 3 and matter.pinyin_initials.startswith("yx")
    again = MatterResource().import_data(dataset)
    assert again.totals["skip"] == 2 and again.totals["new"] == 0


def test_materials_name_their_matter_and_licence_type_by_code(admin_client):
    MatterResource().import_data(_dataset([matter_row("010112001001", "有限责任公司设立登记")]))
    licence = LicenseTypeFactory(name="营业执照")
    headers = [field.column_name for field in MaterialResource().get_export_fields()]
    good = [f"{BODY}3010112001001", "营业执照", "是", "", "电子", "1", "市场监管部门", licence.code, "1"]
    unknown_matter = [f"{BODY}3999999999999", "章程", "是", "", "纸质", "1", "", "", "2"]
    result = MaterialResource().import_data(tablib.Dataset(good, unknown_matter, headers=headers), dry_run=True)
    assert [row.number for row in result.invalid_rows] == [2]
    assert "999999999999" in " ".join(result.invalid_rows[0].field_specific_errors["实施编码"])
    result = MaterialResource().import_data(tablib.Dataset(good, headers=headers))
    assert not result.has_validation_errors()
    assert Material.objects.get().license_type == licence


def test_bundles_list_their_matters_by_implementation_code(admin_client):
    MatterResource().import_data(
        _dataset([matter_row("010112001001", "设立登记"), matter_row("010112001002", "刻章备案")])
    )
    headers = [field.column_name for field in BundleResource().get_export_fields()]
    row = ["KBQY-01", "开办企业一件事", "", "法人", "1", f"{BODY}3010112001001；{BODY}3010112001002", "", "是"]
    result = BundleResource().import_data(tablib.Dataset(row, headers=headers))
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert sorted(Bundle.objects.get().matters.values_list("name", flat=True)) == ["刻章备案", "设立登记"]


def test_export_then_import_changes_nothing(admin_client):
    MatterResource().import_data(_dataset([matter_row("010112001001", "有限责任公司设立登记")]))
    exported = MatterResource().export()
    assert exported.headers == HEADERS and exported[0][HEADERS.index("办件类型")] == "承诺件"
    result = MatterResource().import_data(exported)
    assert result.totals["skip"] == 1


def test_the_admin_exports_xlsx(admin_client):
    MatterResource().import_data(_dataset([matter_row("010112001001", "有限责任公司设立登记")]))
    response = admin_client.post("/admin/matters/matter/export/", {"format": "1", "resource": "0", **_export_fields()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def _error_rows(page: str) -> dict[int, str]:
    """The admin's table of refused rows: row number → the text of its errors."""
    rows = re.findall(r"<tr>\s*<td>(\d+)\s*</td>\s*<td class=\"errors\">(.*?)</td>", page, flags=re.S)
    return {int(number): re.sub(r"<[^>]+>|\s+", " ", cell) for number, cell in rows}


def _export_fields() -> dict:
    return {f"matterresource_{field.attribute}": "on" for field in MatterResource().get_export_fields()}


def _dataset(rows: list[dict]) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=HEADERS)
    for row in rows:
        dataset.append([row[h] for h in HEADERS])
    return dataset


def test_the_admins_two_box_selector_speaks_chinese(admin_client):
    """Django 5.2 renamed the selector's strings and its Chinese catalogue has not caught up: the hall's own does."""
    catalogue = admin_client.get("/admin/jsi18n/").content.decode()
    for text in ("全选%s", "全部删除%s"):
        assert text in catalogue or json.dumps(text) in catalogue


def test_the_admin_index_names_the_sign_in_protection_in_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "登录防护" in page and "登录尝试" in page and "Access attempts" not in page

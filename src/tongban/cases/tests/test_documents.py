"""Every notice and decision renders as a PDF with its number and the Chinese text embedded."""

import subprocess
import urllib.parse
from pathlib import Path

from tongban.cases.tests.conftest import World


def _text(pdf: bytes, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return text, fonts


def test_every_document_of_a_refused_case_is_a_readable_pdf(
    world: World, tmp_path: Path
) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    world.act(world.head, number, "extend", reason="需征求相关部门意见")
    world.act(
        world.reviewer,
        number,
        "special_start",
        kind="expert_review",
        reason="需专家评审",
        basis="《行政许可法》第四十五条",
    )
    world.act(world.reviewer, number, "special_end", result="评审通过")
    world.act(
        world.reviewer, number, "review", recommend="refuse", opinion="材料不符合要求"
    )
    final = world.act(
        world.approver, number, "refuse", reason="任免文件未经公证认证。"
    ).json()
    kinds = [d["kind"] for d in final["documents"]]
    assert kinds == [
        "receipt",
        "acceptance",
        "extension",
        "special_procedure",
        "refusal",
    ]
    for document in final["documents"]:
        path = f"/api/v1/cases/{number}/documents/{urllib.parse.quote(document['number'])}.pdf"
        response = world.handler.client.get(path, headers=world.handler._headers())
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/pdf"
        text, fonts = _text(response.content, tmp_path)
        compact = "".join(text.split())
        assert document["number"] in compact
        assert "上海市市场监督管理局" in compact
        assert "英国示范贸易有限公司上海代表处" in compact
        cjk = next(line for line in fonts.splitlines() if "WenQuanYiZenHei" in line)
        assert cjk.split()[-5] == "yes"  # embedded (a subset)
    refusal_text, _fonts = _text(
        world.handler.client.get(
            f"/api/v1/cases/{number}/documents/{urllib.parse.quote(final['documents'][-1]['number'])}.pdf",
            headers=world.handler._headers(),
        ).content,
        tmp_path,
    )
    compact = "".join(refusal_text.split())
    assert "不予行政许可" in compact
    assert "行政复议" in compact and "行政诉讼" in compact
    assert "任免文件未经公证认证" in compact


def test_correction_notice_lists_every_item(world: World, tmp_path: Path) -> None:
    number = world.apply().json()["number"]
    sent = world.act(
        world.clerk,
        number,
        "request_correction",
        items=["外国企业对首席代表的任免文件", "新任首席代表的护照复印件"],
    ).json()
    notice = sent["documents"][-1]
    response = world.clerk.client.get(
        f"/api/v1/workbench/cases/{number}/documents/{urllib.parse.quote(notice['number'])}.pdf",
        headers=world.clerk._headers(),
    )
    text, _fonts = _text(response.content, tmp_path)
    compact = "".join(text.split())
    assert "1.外国企业对首席代表的任免文件" in compact
    assert "2.新任首席代表的护照复印件" in compact
    # another department's staff cannot fetch it
    assert (
        world.handler.client.get(
            f"/api/v1/cases/{number}/documents/nonexistent.pdf",
            headers=world.handler._headers(),
        ).status_code
        == 404
    )

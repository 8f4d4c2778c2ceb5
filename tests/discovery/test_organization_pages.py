"""Organization pages on SQLite and PostgreSQL: moderators merge, split, rename and alias on the page."""

from __future__ import annotations

import lxml.html
import pytest

from paperboy.models import Organization
from tests.discovery.conftest import DAY, card_ids, sample_paper
from tests.sites import Client, Site

TENCENT = Organization("tencent", "Tencent")
HUNYUAN_RL = Organization("Tencent-Hunyuan-Multimodal-RL", None)
ARC = Organization("TencentARC", "ARC Lab, Tencent PCG")


@pytest.fixture
def orgs(site: Site) -> Site:
    site.add_papers(
        [
            sample_paper("2608.50001", "Hunyuan one", ["A. Author"], TENCENT),
            sample_paper("2608.50002", "Hunyuan RL", ["B. Author"], HUNYUAN_RL),
            sample_paper("2608.50003", "ARC one", ["C. Author"], ARC),
        ],
        DAY,
    )
    site.add_user("reader")
    site.add_user("mod", moderator=True)
    return site


def doc(client: Client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return lxml.html.fromstring(response.text)


def moderate(client: Client, name: str, action: str, value: str, **kw) -> int:  # type: ignore[no-untyped-def]
    return client.form(
        f"/organizations/{name}/moderate", {"action": action, "value": value}, **kw
    ).status_code


def test_only_moderators_see_and_use_the_controls(orgs: Site) -> None:
    anonymous, reader, mod = orgs.client(), orgs.client("reader"), orgs.client("mod")
    assert not doc(anonymous, "/organizations/tencent").xpath("//details[@id='moderate']")
    assert not doc(reader, "/organizations/tencent").xpath("//details[@id='moderate']")
    panel = doc(mod, "/organizations/tencent").xpath("//details[@id='moderate']")
    assert panel and panel[0].xpath(".//input[@name='csrf_token']/@value")[0] == mod.csrf
    assert moderate(anonymous, "tencent", "rename", "X") == 401
    assert moderate(reader, "tencent", "rename", "X") == 403
    assert moderate(mod, "tencent", "rename", "X", csrf=False) == 403
    assert moderate(mod, "tencent", "explode", "X") == 400
    assert moderate(mod, "no-such-lab", "rename", "X") == 404
    assert moderate(mod, "tencent", "merge", "") == 400
    assert doc(anonymous, "/organizations/tencent").xpath("string(//h1)") == "Tencent"


def test_a_merge_is_one_page_at_one_address_and_a_split_undoes_it(orgs: Site) -> None:
    anonymous, mod = orgs.client(), orgs.client("mod")
    assert sorted(card_ids(doc(anonymous, "/organizations/tencent"))) == ["2608.50001"]
    done = mod.form("/organizations/TencentARC/moderate", {"action": "merge", "value": "Tencent"})
    assert done.status_code == 303 and done.headers["location"] == "/organizations/tencent#moderate"
    assert moderate(mod, "tencent", "merge", "tencent") == 400  # already one organization
    assert moderate(mod, "Tencent-Hunyuan-Multimodal-RL", "merge", "tencent") == 303
    merged = doc(anonymous, "/organizations/tencent")
    assert sorted(card_ids(merged)) == ["2608.50001", "2608.50002", "2608.50003"]
    assert "TencentARC" in merged.xpath("string(//p[@class='also-known'])")
    moved = anonymous.get("/organizations/TencentARC", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/organizations/tencent"
    listed = doc(anonymous, "/organizations").xpath("//li[@class='org-card']//a/@href")
    assert listed == ["/organizations/tencent"]
    assert moderate(mod, "tencent", "split", "TencentARC") == 303
    assert card_ids(doc(anonymous, "/organizations/TencentARC")) == ["2608.50003"]
    assert (
        anonymous.get("/organizations/arc%20lab,%20tencent%20pcg", follow_redirects=False).headers["location"]
        == "/organizations/TencentARC"
    )


def test_display_names_and_aliases(orgs: Site) -> None:
    anonymous, mod = orgs.client(), orgs.client("mod")
    assert moderate(mod, "tencent", "rename", "Tencent Holdings") == 303
    assert doc(anonymous, "/organizations/tencent").xpath("string(//h1)") == "Tencent Holdings"
    card = doc(anonymous, f"/papers/date/{DAY.isoformat()}").xpath("//span[contains(@class, 'org')]/a")
    assert "Tencent Holdings" in [a.text for a in card]
    assert moderate(mod, "tencent", "alias", "腾讯") == 303
    assert (
        anonymous.get("/organizations/腾讯", follow_redirects=False).headers["location"]
        == "/organizations/tencent"
    )
    aliases = doc(mod, "/organizations/tencent").xpath("//div[@class='org-names']//li/text()")
    assert any("腾讯" in a for a in aliases)
    assert moderate(mod, "tencent", "alias", "TencentARC") == 400  # another organization's name
    assert moderate(mod, "tencent", "unalias", "腾讯") == 303
    assert anonymous.get("/organizations/腾讯").status_code == 404
    assert moderate(mod, "tencent", "rename", "") == 303
    assert (
        doc(anonymous, "/organizations/tencent").xpath("string(//h1)") == "Tencent"
    )  # Hugging Face's full name again

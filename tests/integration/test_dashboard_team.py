"""The team tab: level-1 and level-2 members with their sales, and who has not started yet."""
import re

from tests.integration import dashboard_data as data

EN = {"Accept-Language": "en"}


def figure(html: str, name: str) -> str:
    return re.search(rf'class="team-{name}">([^<]+)<', html).group(1)


def test_team_levels_sales_and_idle_invitees(make, db, client, login_as):
    world = data.World(make, db.session)
    s = db.session
    # Alice invited Chen and Dai; Chen invited Fang; Fang invited Gao (level 3: not Alice's team).
    chen = data.partner(s, world.brand, make.user(name="Chen Jing", phone="13600000001"), inviter=world.alice)
    data.partner(s, world.brand, make.user(name="Dai Wei", phone="13600000002"), inviter=world.alice)
    fang_user = make.user(name="Fang Hua", phone="13600000003")
    fang = data.partner(s, world.brand, fang_user, inviter=chen)
    data.partner(s, world.brand, make.user(name="Gao Lin", phone="13600000004"), inviter=fang)
    data.partner(s, world.brand, make.user(name="Hu Yan", phone="13600000005"), inviter=world.bob)  # Bob's team

    world.sale(chen)  # ¥199 paid
    completed = data.order(s, world.product, status="completed", refunded_fen=4900)  # ¥199 - ¥49 refunded
    data.attribution(s, completed, sharer=chen)
    for status in ("pending_payment", "cancelled", "refunded"):  # none of these is a sale
        row = data.order(s, world.product, status=status, refunded_fen=19900 if status == "refunded" else 0)
        data.attribution(s, row, sharer=chen)
    data.order(s, world.product, user=fang_user)  # Fang bought once: not idle, though sold nothing

    login_as(world.alice_user)
    html = client.get("/partner/team", headers=EN).get_data(as_text=True)
    assert figure(html, "level1") == "2"
    assert figure(html, "level2") == "1"
    assert figure(html, "idle") == "1"  # Dai has neither bought nor sold
    assert re.search(r"<td>C\*\*</td>\s*<td>[^<]*</td><td>2</td><td>¥349.00</td>", html)
    assert re.search(r"<td>F\*\*</td>\s*<td>[^<]*</td><td>0</td><td>¥0.00</td>", html)
    idle = html[html.index('class="rows idle"'):]
    assert "D**" in idle and "C**" not in idle and "F**" not in idle
    assert "G**" not in html and "H**" not in html
    assert "Chen" not in html and "Dai Wei" not in html and "13600000001" not in html


def test_an_empty_team(make, db, client, login_as):
    world = data.World(make, db.session)
    login_as(world.alice_user)
    html = client.get("/partner/team", headers=EN).get_data(as_text=True)
    assert figure(html, "level1") == "0" and figure(html, "level2") == "0"
    assert "Nobody yet" in html


def test_team_is_one_query_whatever_its_size(make, db, client, login_as, app):
    from sqlalchemy import event

    from mall.partner.team import team

    world = data.World(make, db.session)
    for n in range(8):
        member = data.partner(db.session, world.brand, make.user(phone=f"1350000000{n}"), inviter=world.alice)
        data.partner(db.session, world.brand, make.user(phone=f"1340000000{n}"), inviter=member)
        world.sale(member)
    assert world.alice.brand_id  # loaded now, so only the team query is counted
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        members = team(db.session, world.alice)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(members) == 16
    assert len([sql for sql in statements if sql.startswith("SELECT")]) == 1

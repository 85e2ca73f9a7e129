from tests.world import PRODI, UNIVERSITY, World


def test_a_reserved_and_paired_nina_reaches_every_read_model(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1()
    reserved = world.reserve()
    world.graduate()
    paired = world.pair(nina=reserved.nina)
    world.project()
    services = world.container.services
    services.wait("sivil", paired.position)
    entry = services.diploma.sivil.entry(UNIVERSITY, PRODI, reserved.nina)
    assert entry is not None and entry.full_name == "Siti Aminah" and entry.status == "VALID"
    assert services.diploma.numbering.diploma(UNIVERSITY, "2020001").status == "PAIRED"

"""Line crossing, occupancy and heatmap on made-up tracks (pure Python: no model, no OpenCV)."""

from __future__ import annotations

import pytest

from vision.counting import BadLine, Heatmap, Line, LineCounter, Region, boundary, ground_point, inside, occupancy

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def person(x: float, feet_y: float, height: float = 80) -> tuple[float, float, float, float]:
    """A box whose ground point (bottom centre) is (x, feet_y)."""
    return (x - 10, feet_y - height, x + 10, feet_y)


def walk(counter: LineCounter, tid: int, points: list[tuple[float, float]], start: int = 0) -> None:
    for i, (x, y) in enumerate(points):
        counter.update(start + i, [(tid, person(x, y))])


class TestLine:
    def test_walking_p1_to_p2_the_right_hand_side_is_in(self):
        across = Line.parse("0,317,768,317")  # walking right: right hand points down the image
        assert across.side((100, 400)) > 0 and across.side((100, 200)) < 0
        up = Line.parse("384,576,384,0")  # walking up the image: right hand points right
        assert up.side((500, 300)) > 0 and up.side((200, 300)) < 0

    @pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "10,10,10,10", ""])
    def test_a_bad_line_is_refused_with_a_reason(self, text):
        with pytest.raises(BadLine):
            Line.parse(text)

    def test_a_line_outside_the_frame_is_refused(self):
        with pytest.raises(BadLine, match="outside the 768x576 frame"):
            Line.parse("0,700,768,700").check_inside(768, 576)
        Line.parse("0,317,768,317").check_inside(768, 576)


class TestCrossing:
    def test_top_to_bottom_counts_in_and_back_counts_out(self):
        counter = LineCounter([Line.parse("0,317,768,317")])
        walk(counter, 1, [(300, y) for y in range(280, 360, 8)])
        assert counter.counts[0] == {"in": 1, "out": 0}
        walk(counter, 1, [(300, y) for y in range(352, 270, -8)], start=20)
        assert counter.counts[0] == {"in": 1, "out": 1}
        assert [c.direction for c in counter.crossings] == ["in", "out"]

    def test_the_feet_count_not_the_middle_of_the_box(self):
        counter = LineCounter([Line.parse("0,317,768,317")])
        # The box's centre goes well past the line (feet from 250 to 300, centre from 210 to 260 ... and the
        # centre of a tall box at feet 300 is at 260): neither crosses. Then the feet pass 317: one count.
        walk(counter, 1, [(300, y) for y in range(250, 305, 5)])
        assert counter.counts[0] == {"in": 0, "out": 0}
        walk(counter, 1, [(300, y) for y in range(305, 340, 5)], start=20)
        assert counter.counts[0] == {"in": 1, "out": 0}

    def test_lingering_on_the_line_counts_nothing(self):
        counter = LineCounter([Line.parse("0,317,768,317")])
        jitter = [(300, 317 + d) for d in [-4, 3, -2, 5, -5, 4, -3, 2] * 10]
        walk(counter, 1, [(300, 280), (300, 300), *jitter, (300, 290), (300, 280)])
        assert counter.counts[0] == {"in": 0, "out": 0}

    def test_stepping_onto_the_line_and_turning_back_counts_nothing(self):
        counter = LineCounter([Line.parse("384,576,384,0")])
        walk(counter, 7, [(x, 300) for x in [300, 330, 360, 380, 386, 388, 380, 350, 300]])
        assert counter.counts[0] == {"in": 0, "out": 0}

    def test_a_person_lost_and_found_again_under_a_new_id_counts_once(self):
        counter = LineCounter([Line.parse("384,576,384,0")])
        walk(counter, 1, [(x, 300) for x in range(300, 372, 6)])  # approaching, then lost before the line
        counter.update(12, [])
        counter.update(13, [])
        walk(counter, 2, [(x, 300) for x in range(400, 470, 6)], start=14)  # found after it under id 2
        assert counter.counts[0] == {"in": 1, "out": 0}

    def test_a_person_found_again_after_crossing_is_not_counted_twice(self):
        counter = LineCounter([Line.parse("384,576,384,0")])
        walk(counter, 1, [(x, 300) for x in range(340, 420, 6)])
        assert counter.counts[0]["in"] == 1
        counter.update(20, [])
        walk(counter, 5, [(x, 300) for x in range(424, 460, 6)], start=21)
        assert counter.counts[0] == {"in": 1, "out": 0}

    def test_going_round_the_end_of_the_line_counts_nothing(self):
        counter = LineCounter([Line.parse("384,400,384,200")])
        walk(counter, 1, [(x, 450) for x in range(300, 470, 10)])  # below the line's lower end
        assert counter.counts[0] == {"in": 0, "out": 0}

    def test_two_lines_count_separately(self):
        counter = LineCounter([Line.parse("0,317,768,317"), Line.parse("384,576,384,0")])
        walk(counter, 1, [(300 + 10 * i, 280 + 10 * i) for i in range(20)])  # down and right: crosses both
        assert counter.counts == [{"in": 1, "out": 0}, {"in": 1, "out": 0}]


class TestRegion:
    """A counting polygon: stepping over any of its edges into it is in, out of it is out."""

    DOOR = "300,200,500,200,500,400,300,400"  # a square just inside the doors

    def test_entering_over_one_edge_and_leaving_over_another_counts_in_then_out(self):
        counter = LineCounter([Region.parse(self.DOOR)])
        walk(counter, 1, [(400, y) for y in range(150, 300, 10)])  # in over the top edge
        assert counter.counts[0] == {"in": 1, "out": 0}
        walk(counter, 1, [(x, 290) for x in range(410, 560, 10)], start=20)  # out over the right edge
        assert counter.counts[0] == {"in": 1, "out": 1}
        assert [c.direction for c in counter.crossings] == ["in", "out"]

    def test_walking_past_outside_or_lingering_on_an_edge_counts_nothing(self):
        counter = LineCounter([Region.parse(self.DOOR)])
        walk(counter, 1, [(x, 150) for x in range(200, 600, 10)])  # along the outside
        jitter = [(400, 200 + d) for d in [-4, 3, -2, 5, -5, 4, -3, 2] * 10]
        walk(counter, 2, [(400, 170), (400, 185), *jitter, (400, 180)], start=50)  # on the top edge, then back
        assert counter.counts[0] == {"in": 0, "out": 0}

    def test_someone_first_seen_inside_is_not_counted_until_they_cross(self):
        counter = LineCounter([Region.parse(self.DOOR)])
        walk(counter, 1, [(400, y) for y in range(300, 380, 10)])
        assert counter.counts[0] == {"in": 0, "out": 0}
        walk(counter, 1, [(400, y) for y in range(390, 470, 10)], start=10)
        assert counter.counts[0] == {"in": 0, "out": 1}

    def test_a_concave_polygon_counts_by_its_edges_not_its_bounding_box(self):
        ell = Region.parse("0,0,200,0,200,100,100,100,100,200,0,200")  # an L: the notch at x, y > 100 is outside
        counter = LineCounter([ell])
        walk(counter, 1, [(150, y) for y in range(260, 120, -10)])  # up into the notch: still outside
        assert counter.counts[0] == {"in": 0, "out": 0}
        walk(counter, 1, [(150, y) for y in range(110, 40, -10)], start=20)  # over the notch's edge y = 100
        assert counter.counts[0] == {"in": 1, "out": 0}

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("1,2,3,4", "three points"),
            ("1,2,3,4,5", "three points"),
            ("0,0,10,10,20,20", "no area"),
            ("a,b,c,d,e,f", "pairs"),
        ],
    )
    def test_a_bad_polygon_is_refused_with_a_reason(self, text, reason):
        with pytest.raises(BadLine, match=reason):
            Region.parse(text)

    def test_a_polygon_off_the_frame_is_refused(self):
        with pytest.raises(BadLine, match="outside the 768x576 frame"):
            Region.parse("0,0,800,0,800,100").check_inside(768, 576)

    def test_the_camera_settings_form_is_a_line_for_four_numbers_and_a_polygon_for_more(self):
        assert isinstance(boundary([0, 317, 768, 317]), Line)
        assert isinstance(boundary([0, 0, 10, 0, 10, 10]), Region)
        for numbers in ([1, 2, 3, 4, 5], [5, 5, 5, 5]):
            with pytest.raises(BadLine):
                boundary(numbers)


class TestZones:
    def test_ground_point_is_the_bottom_centre(self):
        assert ground_point((10, 20, 30, 100)) == (20, 100)

    def test_occupancy_counts_the_feet_inside_the_polygon(self):
        square = [(0, 0), (100, 0), (100, 100), (0, 100)]
        assert inside(square, (50, 50)) and not inside(square, (150, 50))
        boxes = [person(50, 90), person(50, 150), person(99, 10)]  # the second stands below the zone
        assert occupancy(square, boxes) == 2

    def test_heatmap_adds_one_per_person_per_sample_in_their_cell(self):
        grid = Heatmap(width=400, height=300, cols=4, rows=3)
        grid.add([person(50, 50), person(60, 60)])
        grid.add([person(399, 299)])
        assert grid.cells[0] == 2 and grid.cells[-1] == 1 and sum(grid.cells) == 3
        assert sum(grid.reset()) == 3 and sum(grid.cells) == 0

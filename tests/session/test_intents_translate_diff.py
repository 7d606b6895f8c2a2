"""Pure session parts: intent routing, GUI translation, draft diffs."""

from __future__ import annotations

import pytest

from musiccog.draft import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft, Marker, Segment, Track
from musiccog.session import diff_drafts, route_intent, summarize_changes, translate_for_gui


@pytest.mark.parametrize(("text", "intent"), [
    ("export", "export"), ("Export it please", "export"), ("导出", "export"),
    ("帮我导出视频", "export"), ("download the result", "export"),
    ("send me the video", "export"), ("Send me the video!", "export"),
    ("credits", "credits"), ("how many credits left?", "credits"), ("积分", "credits"),
    ("balance", "credits"), ("余额多少", "credits"),
    ("status", "status"), ("状态", "status"), ("show tracks", "status"),
    ("upload", "upload"), ("上传", "upload"),
    ("/home/me/clip.mp4", "upload"), ('"/home/me/my clip.MOV"', "upload"),
    ("C:\\Users\\me\\song.wav", "upload"), ("file:///tmp/a.webm", "upload"),
    ("~/Music/track.mp3", "upload"),
    ("make it calm, music at 30%", "chat"), ("a video.mp4 with music", "chat"),
    ("exported? no: make it louder", "chat"), ("", "chat"),
])
def test_route_intent(text, intent):
    assert route_intent(text) == intent


@pytest.mark.parametrize(("text", "expected", "actions"), [
    ("Click the Export button to download.", 'Say "export" to download.', ("export",)),
    ("点击导出按钮", "说“导出”", ("export",)),
    ('Then click "Apply".', 'Then say "Apply" (I will do it for you).', ("click",)),
    ("Open the timeline to check.", 'Type "status" to see the timeline to check.',
     ("state",)),
    ("Drag the music onto track 2.", "Tell me to move the music onto track 2.", ("edit",)),
    ("Drop it onto the timeline.", "Tell me to move it onto the timeline.", ("edit",)),
    ("You can preview in timeline now.", "You can see the track summary below now.",
     ("summary",)),
    ("请拖拽音乐到第二轨", "请告诉我如何移动音乐到第二轨", ("edit",)),
    ("打开项目", "输入“状态”查看项目", ("state",)),
    ("The music is ready; export when you like.", "The music is ready; export when you like.",
     ("export",)),
    ("Drop the volume a bit?", "Drop the volume a bit?", ()),
    ("Music added at 35%.", "Music added at 35%.", ()),
])
def test_translate_for_gui(text, expected, actions):
    out = translate_for_gui(text)
    assert out.text == expected and out.actions == actions


def _video(d=10000):
    return Track(track_type=TRACK_VIDEO, segments=[
        Segment(start_ms=0, duration_ms=d, source="/c/city.mp4", name="city timelapse")])


def _bgm(v=0.35, d=10000, fo=None, vk=None, name="Lo-fi"):
    return Track(track_type=TRACK_AUDIO, name="BGM", metadata={"role": "bgm"}, segments=[
        Segment(start_ms=0, duration_ms=d, source="/m/lofi.wav", name=name, volume=v,
                fade_out_ms=fo, volume_keys=vk)])


def test_diff_bgm_added():
    before = Draft(tracks=[_video()])
    after = Draft(tracks=[_video(), _bgm()])
    assert diff_drafts(before, after) == ["BGM track added: Lo-fi (0-10s, 35%)"]


def test_diff_volume_and_fade_and_length():
    before = Draft(tracks=[_video(), _bgm()])
    after = Draft(tracks=[_video(), _bgm(v=0.5, fo=2000)])
    assert diff_drafts(before, after) == ["t[1] volume 35% → 50%", "t[1] fade-out 0s → 2s"]
    longer = Draft(tracks=[_video(12000), _bgm(d=12000)])
    assert diff_drafts(before, longer) == ["t[0] 0-10s → 0-12s", "t[1] 0-10s → 0-12s"]


def test_diff_pairs_tracks_when_one_is_inserted_in_front():
    before = Draft(tracks=[_video(), _bgm()])
    title = Track(track_type=TRACK_TEXT, segments=[Segment(start_ms=0, duration_ms=3000,
                                                           text="Urban Dreams")])
    after = Draft(tracks=[title, _video(), _bgm()])
    assert diff_drafts(before, after) == ['Title track added: "Urban Dreams" (0-3s)']


def test_diff_removed_media_ducking_markers():
    before = Draft(tracks=[_video(), _bgm()])
    after = Draft(tracks=[_bgm(name="Epic", vk=[[0, 1], [4000, 0.25]])],
                  markers=[Marker(start_ms=0, name="downbeat"), Marker(start_ms=500,
                                                                      name="cut")])
    assert diff_drafts(before, after) == [
        "t[0] removed (Video: city timelapse (0-10s))",
        "t[0] media Lo-fi → Epic",
        "t[0] ducking changed (0 → 2 volume keys)",
        "markers 0 → 2 (1 cut, 1 downbeat)",
    ]


def test_diff_none_and_no_change():
    draft = Draft(tracks=[_video()])
    assert diff_drafts(draft, draft.model_copy(deep=True)) == []
    assert summarize_changes(draft, draft) == "No changes to the timeline."
    assert diff_drafts(None, draft) == ["Video track added: city timelapse (0-10s)"]
    assert diff_drafts(draft, None) == ["the timeline was cleared"]
    assert summarize_changes(Draft(tracks=[_video()]), Draft(tracks=[_video(), _bgm()])) == \
        "BGM track added: Lo-fi (0-10s, 35%)"


def test_diff_empty_marker_list_is_no_change():
    assert diff_drafts(Draft(tracks=[_video()]), Draft(tracks=[_video()], markers=[])) == [
        "details changed (no track, level or marker change)"]

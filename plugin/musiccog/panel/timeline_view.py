"""The timeline picture: track lanes, the video's cuts, the music's beats, the gain curve.

Pure Qt painting over a :class:`~musiccog.panel.picture.TimelinePicture`
(computed from the draft by :mod:`musiccog.panel.picture`): one row per
track; red lines for cuts across every row; green ticks for beats (tall for
downbeats) on the music row; the BGM gain (ducking) curve drawn over the music
row, 0 at the row's bottom and 1.0 (unchanged) near its top.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from musiccog.panel.picture import TimelinePicture

__all__ = ["TimelineView"]

_LANE_COLOURS = {
    "video": QColor("#3b6ea5"),
    "bgm": QColor("#3f8f5a"),
    "audio": QColor("#6c7a89"),
    "title": QColor("#b08d2e"),
    "other": QColor("#777777"),
}
_CUT = QColor("#d9534f")
_BEAT = QColor("#43a047")
_DOWNBEAT = QColor("#1b5e20")
_CURVE = QColor("#f0ad4e")
_MARGIN_LEFT = 8
_RULER_H = 16
_LANE_H = 26
_LANE_GAP = 4
_MUSIC_LANE_H = 56


class TimelineView(QWidget):
    """Draws a :class:`TimelinePicture`; empty until :meth:`set_picture` is called."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._picture: TimelinePicture | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(60)
        self.setToolTip("Red lines: video cuts · green ticks: music beats (tall = downbeat) "
                        "· orange: music level (ducking)")

    @property
    def picture(self) -> TimelinePicture | None:
        """What is drawn now (None when nothing is)."""
        return self._picture

    def set_picture(self, picture: TimelinePicture | None) -> None:
        """Show ``picture`` (None clears the view)."""
        self._picture = picture
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def _lane_height(self, kind: str) -> int:
        return _MUSIC_LANE_H if kind == "bgm" else _LANE_H

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        pic = self._picture
        lanes = pic.lanes if pic else ()
        height = _RULER_H + sum(self._lane_height(ln.kind) + _LANE_GAP for ln in lanes) + 6
        return QSize(320, max(60, height))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(160, self.sizeHint().height())

    # -- painting -------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        pic = self._picture
        if pic is None or pic.duration_ms <= 0 or not pic.lanes:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No timeline yet")
            painter.end()
            return
        width = max(1.0, self.width() - 2 * _MARGIN_LEFT)

        def x_of(ms: float) -> float:
            return _MARGIN_LEFT + width * min(max(ms / pic.duration_ms, 0.0), 1.0)

        self._draw_ruler(painter, pic, x_of)
        top = _RULER_H
        music_rows: list[QRectF] = []
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        for lane in pic.lanes:
            h = self._lane_height(lane.kind)
            row = QRectF(_MARGIN_LEFT, top, width, h)
            painter.fillRect(row, self.palette().alternateBase())
            colour = _LANE_COLOURS.get(lane.kind, _LANE_COLOURS["other"])
            for start, end, name in lane.spans:
                box = QRectF(x_of(start), top + 2, max(1.0, x_of(end) - x_of(start)), h - 4)
                painter.fillRect(box, QColor("#d7eedc") if lane.kind == "bgm" else colour)
                if box.width() > 30 and lane.kind != "bgm":
                    painter.setPen(QColor("white"))
                    painter.drawText(box.adjusted(3, 0, -2, 0),
                                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                                     painter.fontMetrics().elidedText(
                                         name, Qt.TextElideMode.ElideRight, int(box.width()) - 5))
            if lane.kind == "bgm":
                music_rows.append(row)
            top += h + _LANE_GAP
        bottom = top - _LANE_GAP
        for row in music_rows:
            self._draw_beats(painter, pic, row, x_of)
            self._draw_curve(painter, pic, row, x_of)
        pen = QPen(_CUT, 1.6)
        painter.setPen(pen)
        for cut in pic.cuts_ms:
            x = x_of(cut)
            painter.drawLine(QPointF(x, _RULER_H - 4), QPointF(x, bottom))
        painter.end()

    def _draw_ruler(self, painter: QPainter, pic: TimelinePicture, x_of) -> None:
        painter.setPen(self.palette().text().color())
        seconds = pic.duration_ms / 1000.0
        step = next((s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600) if seconds / s <= 8),
                    1200)
        t = 0.0
        fm = painter.fontMetrics()
        while t <= seconds + 1e-6:
            x = x_of(t * 1000.0)
            painter.drawLine(QPointF(x, _RULER_H - 4), QPointF(x, _RULER_H))
            label = f"{t:g}s"
            painter.drawText(QPointF(min(x + 2, self.width() - fm.horizontalAdvance(label) - 2),
                                     _RULER_H - 5), label)
            t += step

    def _draw_beats(self, painter: QPainter, pic: TimelinePicture, row: QRectF, x_of) -> None:
        painter.setPen(QPen(_BEAT, 1.0))
        for beat in pic.beats_ms:
            x = x_of(beat)
            painter.drawLine(QPointF(x, row.bottom() - row.height() * 0.3),
                             QPointF(x, row.bottom()))
        painter.setPen(QPen(_DOWNBEAT, 2.0))
        for beat in pic.downbeats_ms:
            x = x_of(beat)
            painter.drawLine(QPointF(x, row.top() + 2), QPointF(x, row.bottom()))

    def _draw_curve(self, painter: QPainter, pic: TimelinePicture, row: QRectF, x_of) -> None:
        points = [p for curve in pic.gain_curves for p in curve]
        if not points:
            return
        top_gain = max(1.0, max(g for _, g in points))
        usable = row.height() - 6

        def y_of(gain: float) -> float:
            return row.bottom() - 3 - usable * min(gain / top_gain, 1.0)

        path = QPainterPath()
        for curve in pic.gain_curves:
            for index, (ms, gain) in enumerate(curve):
                point = QPointF(x_of(ms), y_of(gain))
                if index == 0:
                    path.moveTo(point)
                else:
                    path.lineTo(point)
        painter.setPen(QPen(_CURVE, 2.0))
        painter.drawPath(path)

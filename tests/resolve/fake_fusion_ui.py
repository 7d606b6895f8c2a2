"""A FAKE of Fusion's UIManager as scripts use it inside Resolve — for tests only.

Widgets are records of their properties; ``win.On.<ID>.<Event> = fn`` stores
handlers; ``RunLoop`` runs a test-supplied ``script(window)`` that plays the
user (sets texts, calls handlers) instead of waiting for clicks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class FakeWidget:
    def __init__(self, kind: str, props: dict[str, Any]):
        self.kind = kind
        self.ID = props.get("ID")
        self.Text = props.get("Text", "")
        self.PlainText = ""
        self.Checked = False
        self.props = dict(props)


class _Group:
    def __init__(self, kind: str, children: list[Any]):
        self.kind = kind
        self.children = children


class FakeUIManager:
    def VGroup(self, *args: Any) -> _Group:
        return _Group("VGroup", list(args[-1]))

    def HGroup(self, *args: Any) -> _Group:
        return _Group("HGroup", list(args[-1]))

    def __getattr__(self, kind: str) -> Callable[[dict[str, Any]], FakeWidget]:
        if kind not in {"Label", "LineEdit", "CheckBox", "Button", "TextEdit"}:
            raise AttributeError(kind)
        return lambda props: FakeWidget(kind, props)


class _Events:
    pass


class _On:
    def __init__(self) -> None:
        self.__dict__["by_id"] = {}

    def __getattr__(self, name: str) -> _Events:
        return self.by_id.setdefault(name, _Events())


class FakeWindow:
    def __init__(self, props: dict[str, Any], tree: _Group):
        self.props = props
        self.On = _On()
        self.items: dict[str, FakeWidget] = {}
        self.shown = False
        self._collect(tree)

    def _collect(self, node: Any) -> None:
        if isinstance(node, _Group):
            for child in node.children:
                self._collect(child)
        elif node.ID:
            self.items[node.ID] = node

    def GetItems(self) -> dict[str, FakeWidget]:
        return self.items

    def Show(self) -> None:
        self.shown = True

    def Hide(self) -> None:
        self.shown = False

    def click(self, widget_id: str) -> None:
        self.On.by_id[widget_id].Clicked({"who": widget_id})


class FakeDispatcher:
    def __init__(self, script: Callable[[FakeWindow], None]):
        self.script = script
        self.windows: list[FakeWindow] = []
        self.exited = False

    def AddWindow(self, props: dict[str, Any], tree: _Group) -> FakeWindow:
        window = FakeWindow(props, tree)
        self.windows.append(window)
        return window

    def RunLoop(self) -> None:
        self.script(self.windows[-1])

    def ExitLoop(self) -> None:
        self.exited = True


class FakeFusion:
    def __init__(self) -> None:
        self.UIManager = FakeUIManager()


class FakeBmd:
    def __init__(self, script: Callable[[FakeWindow], None], resolve: Any = None):
        self.dispatcher = FakeDispatcher(script)
        self._resolve = resolve

    def UIDispatcher(self, ui: Any) -> FakeDispatcher:
        return self.dispatcher

    def scriptapp(self, name: str) -> Any:
        return self._resolve if name == "Resolve" else None

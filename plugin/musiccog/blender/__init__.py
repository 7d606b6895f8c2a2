"""Host-free helpers the Blender extension uses (no ``bpy`` import anywhere here).

- :mod:`.rates` — scene frame rate (``fps`` / ``fps_base``) ⇄ draft ``m.fps``, frames ⇄ ms;
- :mod:`.envelope` — a BGM segment's ``v``/``fi``/``fo``/``vk`` as volume keyframes;
- :mod:`.snapshot` — plain-data picture of a VSE edit and its draft;
- :mod:`.placement` — what new strips and markers a synced or imported draft becomes;
- :mod:`.engine_process`, :mod:`.engine_job` — the local backend's engine, run by another Python;
- :mod:`.sync` — backend choice, sync and export off Blender's main thread;
- :mod:`.worker` — a job on a worker thread that a modal timer polls.

The add-on in ``install/blender/`` reads the scene into a :class:`~.snapshot.SceneSnapshot`,
and writes what :mod:`.placement` plans; everything it decides is tested without Blender.
"""

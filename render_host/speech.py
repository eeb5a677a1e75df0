"""Speech assets from S3, ready to play (resampled to the stream's rate)."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from livehost.protocol import SpeechRef
from livehost.speech.model import Speech, SpeechMark
from render_host.materials.loudness import normalised
from render_host.playout import Clip
from render_host.playout.resample import to_stream_audio


class SpeechAssets:
    """Loads a SpeechRef's PCM and marks; keeps the script's recent clips (a looping script
    reuses them), not the answers' (each is said once, and a clip is 192 KB a second)."""

    def __init__(self, s3: Any, keep: int = 64) -> None:
        self.s3 = s3
        self._clips: OrderedDict[str, Clip] = OrderedDict()
        self._keep = keep

    def clip(self, ref: SpeechRef, text: str, *, kept: bool = True) -> Clip:
        """The clip of ``ref``; ``kept``: remembered for the next time it is asked for."""
        cached = self._clips.get(ref.audio_key)
        if cached is not None:
            self._clips.move_to_end(ref.audio_key)
            return cached
        pcm = self.s3.get_object(Bucket=ref.bucket, Key=ref.audio_key)["Body"].read()
        lines = self.s3.get_object(Bucket=ref.bucket, Key=ref.marks_key)["Body"].read()
        marks = [
            SpeechMark.model_validate(json.loads(line))
            for line in lines.splitlines()
            if line.strip()
        ]
        speech = Speech(pcm=pcm, sample_rate=ref.sample_rate, marks=marks)
        # every voice at the stream's loudness target, as clips and music beds are
        clip = Clip.from_marks(
            text, normalised(to_stream_audio(pcm, ref.sample_rate)), speech.marks
        )
        if not kept:
            return clip
        self._clips[ref.audio_key] = clip
        while len(self._clips) > self._keep:
            self._clips.popitem(last=False)
        return clip

"""Materials on the render host: prepared once per stream size (and kept in S3 beside the
upload, like speech assets), then composited and mixed by the frame loop."""

from render_host.materials.assets import MaterialAssets, MaterialUnavailable

__all__ = ["MaterialAssets", "MaterialUnavailable"]

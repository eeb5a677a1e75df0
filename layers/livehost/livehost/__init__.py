"""LiveHost's shared package: domain models, the render-host protocol, the data layer,
speech and answers. Imported by every Lambda (as a layer), by the render host and by the
local cloud."""

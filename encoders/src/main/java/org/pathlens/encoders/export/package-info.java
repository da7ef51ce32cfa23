/**
 * Bringing a model: {@link org.pathlens.encoders.export.ModelExport} runs the exporter script
 * ({@code pathlens_export.py}, a resource of this package) with the user's Python and the model
 * family's own library, then loads the bundle it wrote as PathLens will, canary included, before
 * moving it into place.
 */
package org.pathlens.encoders.export;

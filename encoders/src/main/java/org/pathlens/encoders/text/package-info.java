/**
 * Text as the model saw it: the cleaning a model family's tokenizer applies before BPE (open_clip's
 * ftfy, {@code html.unescape} twice and whitespace collapse), reproduced from Python's and ftfy's
 * own tables, applied where {@code model.json} records it in {@code text.clean}.
 */
package org.pathlens.encoders.text;

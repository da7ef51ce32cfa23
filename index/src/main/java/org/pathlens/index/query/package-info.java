/**
 * The searches a user asks for, from what they type or upload to a ranking. {@link IndexQueries}
 * embeds the query with the index's bundle (query images with the stain handling the index records)
 * and asks the index; {@link HitJson} turns each hit into the one JSON shape that is printed and
 * served. It exists so that the command line's {@code search} and {@code similar} and the REST API
 * run the same code and never differ.
 */
package org.pathlens.index.query;

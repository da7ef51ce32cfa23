/**
 * Jackson data binding for the files people write by hand, {@code model.json} and prompt sets:
 * {@link TreeBinding} binds a parsed tree to records strictly, and leaves the naming of a wrong
 * value to the reader, whose messages name the file, the field and the fix.
 */
package org.pathlens.encoders.json;

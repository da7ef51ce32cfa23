/**
 * Jackson data binding for the files people write by hand, such as {@code model.json}: {@link
 * TreeBinding} binds a parsed tree to records strictly, and leaves the naming of a wrong value to
 * the reader, whose messages name the file, the field and the fix.
 */
package org.pathlens.encoders.json;

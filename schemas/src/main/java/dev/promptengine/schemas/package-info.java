/**
 * The event contract shared by every service and outside consumer: topic names with their key and
 * value types, the Avro single-object serializer and deserializer, and the released schema versions
 * they resolve against. Generated event classes live in {@code dev.promptengine.events}.
 */
package dev.promptengine.schemas;

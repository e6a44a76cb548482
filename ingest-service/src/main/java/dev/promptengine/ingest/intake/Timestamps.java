package dev.promptengine.ingest.intake;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 timestamps with an offset, exactly as {@link OffsetDateTime#parse} reads them, but
 * without the formatter machinery for the shape clients send almost always
 * ({@code 2026-11-27T10:15:30.123Z}, {@code 2026-11-27T10:15:30+01:00}). Anything else, including
 * every invalid text, goes through {@link OffsetDateTime#parse}, so what is accepted and what is
 * rejected does not change.
 */
final class Timestamps {

    /** The instant the text denotes; {@link DateTimeParseException} when it is not a timestamp. */
    static Instant parse(String text) {
        Instant fast = parseCommon(text);
        return fast != null ? fast : OffsetDateTime.parse(text).toInstant();
    }

    /**
     * {@code yyyy-MM-ddTHH:mm[:ss[.f{1,9}]](Z|+HH:MM|-HH:MM)} with a four-digit year; null for any
     * other text or an out-of-range field (the caller then lets the full parser decide).
     */
    static Instant parseCommon(String text) {
        int length = text.length();
        if (length < 17 || length > 35) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        if (year < 0
                || month < 0
                || day < 0
                || hour < 0
                || minute < 0
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':') {
            return null;
        }
        int at = 16;
        int second = 0;
        int nano = 0;
        if (at < length && text.charAt(at) == ':') {
            second = digits(text, at + 1, 2);
            if (second < 0) {
                return null;
            }
            at += 3;
            if (at < length && text.charAt(at) == '.') {
                int start = ++at;
                while (at < length && at - start < 9 && isDigit(text.charAt(at))) {
                    nano = nano * 10 + (text.charAt(at) - '0');
                    at++;
                }
                int fractionDigits = at - start;
                if (fractionDigits == 0 || (at < length && isDigit(text.charAt(at)))) {
                    return null;
                }
                for (int i = fractionDigits; i < 9; i++) {
                    nano *= 10;
                }
            }
        }
        int offsetSeconds;
        if (at == length - 1 && text.charAt(at) == 'Z') {
            offsetSeconds = 0;
        } else if (at == length - 6
                && (text.charAt(at) == '+' || text.charAt(at) == '-')
                && text.charAt(at + 3) == ':') {
            int offsetHours = digits(text, at + 1, 2);
            int offsetMinutes = digits(text, at + 4, 2);
            if (offsetHours < 0 || offsetHours > 17 || offsetMinutes < 0 || offsetMinutes > 59) {
                return null;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (text.charAt(at) == '-' ? -1 : 1);
        } else {
            return null;
        }
        if (hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        long epochSecond = epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nano);
    }

    /** The non-negative number written by {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String text, int from, int count) {
        if (from + count > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Timestamps() {}
}

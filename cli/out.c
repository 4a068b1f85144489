/*
 * out.c - writing: the output file, JSON strings, CSV fields and money.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

/* A large stdio buffer: ledgers are written a row at a time. */
#define CLI_OUT_BUFFER (1 << 16)


FILE *cli_out_open(const struct cli_opts *o)
{
	FILE *fp = stdout;

	if (o->output != NULL && strcmp(o->output, "-") != 0) {
		fp = fopen(o->output, "wb");
		if (fp == NULL) {
			cli_error("%s: %s", o->output, strerror(errno));
			return NULL;
		}
	}
	setvbuf(fp, NULL, _IOFBF, CLI_OUT_BUFFER);
	return fp;
}


int cli_out_close(const struct cli_opts *o, FILE *fp)
{
	const char *name = o->output ? o->output : "standard output";
	int failed = fflush(fp) != 0 || ferror(fp);

	if (fp != stdout && fclose(fp) != 0)
		failed = 1;
	if (failed) {
		cli_error("%s: write error: %s", name, strerror(errno));
		return CLI_EXIT_IO;
	}
	return CLI_EXIT_OK;
}


/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t cli_utf8_len(const unsigned char *s)
{
	unsigned long cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}


static void cli_json_char(FILE *fp, unsigned char c)
{
	switch (c) {
	case '"':
		fputs("\\\"", fp);
		break;
	case '\\':
		fputs("\\\\", fp);
		break;
	case '\n':
		fputs("\\n", fp);
		break;
	case '\r':
		fputs("\\r", fp);
		break;
	case '\t':
		fputs("\\t", fp);
		break;
	default:
		if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
}


/* Length of the run at s that needs no escaping: printable ASCII other
 * than quote and backslash. */
static size_t cli_plain_run(const unsigned char *s)
{
	size_t n = 0;

	while (s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"' && s[n] != '\\')
		n++;
	return n;
}


void cli_json_str(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	putc_unlocked('"', fp);
	while (*p) {
		n = cli_plain_run(p);
		if (n > 0) {
			fwrite(p, 1, n, fp);
			p += n;
			continue;
		}
		n = cli_utf8_len(p);
		if (n == 0) {
			fputs("\\ufffd", fp);
			p++;
		} else if (n == 1) {
			cli_json_char(fp, *p++);
		} else {
			fwrite(p, 1, n, fp);
			p += n;
		}
	}
	putc_unlocked('"', fp);
}


void cli_csv_field(FILE *fp, const char *s)
{
	size_t n = strlen(s);

	if (strpbrk(s, ",\"\r\n") == NULL && (n == 0 || (s[0] != ' ' &&
						       s[n - 1] != ' '))) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}


void cli_money_exact(lc_i128 v, char *buf, size_t size)
{
	if (lc_i128_format_scaled(v, LLMCOST_MONEY_DIGITS, buf, size) < 0 &&
	    size > 0)
		buf[0] = '\0';
}


/* Inserts a comma every three digits of the integer part of text, which
 * has room for size bytes. */
static void cli_group_digits(char *text, size_t size)
{
	char out[160];
	const char *p = text;
	size_t o = 0, digits;

	if (strlen(text) > 100)
		return;
	if (*p == '-')
		out[o++] = *p++;
	for (digits = strcspn(p, "."); digits > 0; digits--) {
		out[o++] = *p++;
		if (digits > 1 && (digits - 1) % 3 == 0)
			out[o++] = ',';
	}
	snprintf(out + o, sizeof(out) - o, "%s", p);
	if (strlen(out) < size)
		memcpy(text, out, strlen(out) + 1);
}


void cli_money_round(lc_i128 v, int decimals, char *buf, size_t size)
{
	lc_i128 step = 1, half;
	char tmp[64], digits[128];
	size_t n, pad;
	int k;

	for (k = decimals; k < LLMCOST_MONEY_DIGITS; k++)
		step *= 10;
	half = step / 2;
	if (v >= 0 && v <= LC_I128_MAX - half)
		v = (v + half) / step;
	else if (v < 0 && v >= LC_I128_MIN + half)
		v = (v - half) / step;
	else
		v /= step;
	if (size < 2 || lc_i128_format(v < 0 ? -v : v, tmp, sizeof(tmp)) < 0) {
		if (size > 0)
			buf[0] = '\0';
		return;
	}
	/* Left-pad with zeros so that there is a digit before the point. */
	n = strlen(tmp);
	pad = n <= (size_t)decimals ? (size_t)decimals - n + 1 : 0;
	memset(digits, '0', pad);
	memcpy(digits + pad, tmp, n + 1);
	n += pad;
	snprintf(buf, size, "%s%.*s%s%s", v < 0 ? "-" : "",
		 (int)(n - (size_t)decimals), digits, decimals > 0 ? "." : "",
		 digits + n - (size_t)decimals);
	cli_group_digits(buf, size);
}


void cli_int(FILE *fp, int64_t v)
{
	char buf[24];

	if (lc_i128_format(v, buf, sizeof(buf)) > 0)
		fputs(buf, fp);
}


void cli_int_group(int64_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", (long long)v);
	cli_group_digits(buf, size);
}

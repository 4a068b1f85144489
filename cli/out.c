/*
 * out.c - writing: the output file, a byte buffer, JSON strings, CSV
 * fields, text for a terminal, and money.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* A large stdio buffer: ledgers are written a row at a time. */
#define CLI_OUT_BUFFER (1 << 16)


/* ---- the output file ------------------------------------------------ */

/* Whether the file at path (or standard input for "-") is *out. */
static int cli_same_file(const char *path, const struct stat *out)
{
	struct stat st;
	int rc;

	if (strcmp(path, "-") == 0)
		rc = fstat(STDIN_FILENO, &st);
	else
		rc = stat(path, &st);
	return rc == 0 && st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}


/* The input, price or tags file that is *out, or NULL. */
static const char *cli_clobbered(const struct cli_opts *o,
				 const struct stat *out)
{
	size_t i;

	for (i = 0; i < o->n_files; i++)
		if (cli_same_file(o->files[i], out))
			return strcmp(o->files[i], "-") ? o->files[i] :
			       "standard input";
	for (i = 0; i < o->n_prices; i++)
		if (cli_same_file(o->prices[i].path, out))
			return o->prices[i].path;
	if (o->tags_path != NULL && cli_same_file(o->tags_path, out))
		return o->tags_path;
	return NULL;
}


int cli_out_check(const struct cli_opts *o)
{
	int to_stdout = o->output == NULL || strcmp(o->output, "-") == 0;
	const char *name = to_stdout ? "standard output" : o->output;
	const char *input;
	struct stat st;

	if (to_stdout ? fstat(STDOUT_FILENO, &st) : stat(o->output, &st))
		return CLI_EXIT_OK;	/* not there: nothing to lose */
	if (!S_ISREG(st.st_mode))
		return CLI_EXIT_OK;
	input = cli_clobbered(o, &st);
	if (input == NULL)
		return CLI_EXIT_OK;
	cli_error("%s: is the same file as the input %s; refusing to write "
		  "over what is being read", name, input);
	return CLI_EXIT_IO;
}


FILE *cli_out_open(const struct cli_opts *o)
{
	FILE *fp = stdout;

	if (o->output != NULL && strcmp(o->output, "-") != 0) {
		fp = fopen(o->output, "wb");
		if (fp == NULL) {
			cli_error("%s: cannot write: %s", o->output,
				  strerror(errno));
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


/* ---- the byte buffer ------------------------------------------------ */

void cli_buf_free(struct cli_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}


int cli_buf_room(struct cli_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->failed)
		return -1;
	if (n <= b->cap - b->len)
		return 0;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2) {
			b->failed = 1;
			return -1;
		}
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}


void cli_buf_puts(struct cli_buf *b, const char *s)
{
	cli_buf_put(b, s, strlen(s));
}


int cli_buf_flush(struct cli_buf *b, FILE *fp)
{
	size_t n = b->len;

	b->len = 0;
	if (n > 0 && fwrite(b->p, 1, n, fp) != n)
		return -1;
	return b->failed ? -1 : 0;
}


/* ---- UTF-8 ---------------------------------------------------------- */

/* Length of a valid UTF-8 sequence at s, or 0; its code point in *cp. */
static size_t cli_utf8_len(const unsigned char *s, unsigned long *cp)
{
	size_t n, i;

	*cp = s[0];
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, *cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}


/* Length of the run at s that needs no escaping in JSON: printable
 * ASCII other than quote and backslash. */
static size_t cli_json_plain(const unsigned char *s)
{
	size_t n = 0;

	while (s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"' && s[n] != '\\')
		n++;
	return n;
}


static void cli_buf_hex(struct cli_buf *b, const char *prefix,
			unsigned long v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	cli_buf_puts(b, prefix);
	while (digits-- > 0)
		cli_buf_putc(b, hex[(v >> (4 * digits)) & 0xf]);
}


/* The short escape of an ASCII control or quote, or NULL. */
static const char *cli_short_escape(unsigned char c)
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default: return NULL;
	}
}


void cli_buf_json_str(struct cli_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *esc;
	unsigned long cp;
	size_t n;

	if (s == NULL) {
		cli_buf_put(b, "null", 4);
		return;
	}
	cli_buf_putc(b, '"');
	while (*p) {
		n = cli_json_plain(p);
		if (n > 0) {
			cli_buf_put(b, (const char *)p, n);
			p += n;
			continue;
		}
		n = cli_utf8_len(p, &cp);
		if (n == 0) {
			cli_buf_put(b, "\\ufffd", 6);
			p++;
		} else if (n > 1) {
			cli_buf_put(b, (const char *)p, n);
			p += n;
		} else if ((esc = cli_short_escape(*p)) != NULL) {
			cli_buf_puts(b, esc);
			p++;
		} else {
			cli_buf_hex(b, "\\u", *p++, 4);
		}
	}
	cli_buf_putc(b, '"');
}


void cli_buf_csv_field(struct cli_buf *b, const char *s)
{
	size_t n = strlen(s);
	const char *q;

	if (strpbrk(s, ",\"\r\n") == NULL && (n == 0 || (s[0] != ' ' &&
						       s[n - 1] != ' '))) {
		cli_buf_put(b, s, n);
		return;
	}
	cli_buf_putc(b, '"');
	while ((q = strchr(s, '"')) != NULL) {
		cli_buf_put(b, s, (size_t)(q - s) + 1);
		cli_buf_putc(b, '"');
		s = q + 1;
	}
	cli_buf_puts(b, s);
	cli_buf_putc(b, '"');
}


/* ---- text for a terminal ---------------------------------------------- */

/* Length of the run at s that a terminal shows as it is: printable ASCII
 * other than backslash. */
static size_t cli_text_plain(const unsigned char *s)
{
	size_t n = 0;

	while (s[n] >= 0x20 && s[n] < 0x7f && s[n] != '\\')
		n++;
	return n;
}


void cli_buf_text(struct cli_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *esc;
	unsigned long cp;
	size_t n;

	while (*p) {
		n = cli_text_plain(p);
		if (n > 0) {
			cli_buf_put(b, (const char *)p, n);
			p += n;
			continue;
		}
		n = cli_utf8_len(p, &cp);
		if (n == 0) {
			cli_buf_hex(b, "\\x", *p++, 2);
		} else if (n == 2 && cp >= 0x80 && cp <= 0x9f) {
			cli_buf_hex(b, "\\u", cp, 4);
			p += n;
		} else if (n > 1) {
			cli_buf_put(b, (const char *)p, n);
			p += n;
		} else if ((esc = cli_short_escape(*p)) != NULL && *p != '"') {
			cli_buf_puts(b, esc);
			p++;
		} else {
			cli_buf_hex(b, "\\x", *p++, 2);
		}
	}
}


char *cli_text_dup(const char *s)
{
	struct cli_buf b = { NULL, 0, 0, 0 };

	cli_buf_text(&b, s);
	cli_buf_putc(&b, '\0');
	if (b.failed) {
		cli_buf_free(&b);
		return NULL;
	}
	return b.p;
}


void cli_text_put(FILE *fp, const char *s)
{
	struct cli_buf b = { NULL, 0, 0, 0 };

	cli_buf_text(&b, s);
	cli_buf_flush(&b, fp);
	cli_buf_free(&b);
}


/* ---- numbers -------------------------------------------------------- */

#define CLI_E19 10000000000000000000ULL

/* Writes v's decimal digits ending at end; returns where they start. */
static char *cli_u64_digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}


/* The same for 128 bits: 64-bit arithmetic on 19-digit pieces. */
static char *cli_u128_digits(unsigned __int128 v, char *end)
{
	char *p;
	int k;

	while (v > UINT64_MAX) {
		p = cli_u64_digits((uint64_t)(v % CLI_E19), end);
		for (k = (int)(end - p); k < 19; k++)
			*--p = '0';
		end = p;
		v /= CLI_E19;
	}
	return cli_u64_digits((uint64_t)v, end);
}


void cli_buf_int(struct cli_buf *b, int64_t v)
{
	char tmp[24], *end = tmp + sizeof(tmp), *p;
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	p = cli_u64_digits(mag, end);
	if (v < 0)
		*--p = '-';
	cli_buf_put(b, p, (size_t)(end - p));
}


static unsigned __int128 cli_mag(lc_i128 v)
{
	return v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
}


/* Writes the magnitude of v scaled by 10^-18, trailing fractional zeros
 * removed, ending at end; returns where it starts. */
static char *cli_money_digits(lc_i128 v, char *end)
{
	const unsigned __int128 unit = (unsigned __int128)LC_UNITS_PER_USD;
	unsigned __int128 mag = cli_mag(v);
	uint64_t frac = (uint64_t)(mag % unit);
	int digits = LLMCOST_MONEY_DIGITS;
	char *p = end;

	if (frac != 0) {
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		for (; digits > 0; digits--, frac /= 10)
			*--p = (char)('0' + frac % 10);
		*--p = '.';
	}
	return cli_u128_digits(mag / unit, p);
}


void cli_money_exact(lc_i128 v, char *buf, size_t size)
{
	char tmp[64], *end = tmp + sizeof(tmp), *p;

	p = cli_money_digits(v, end);
	if (v < 0)
		*--p = '-';
	if (size == 0)
		return;
	if ((size_t)(end - p) >= size) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf, p, (size_t)(end - p));
	buf[end - p] = '\0';
}


void cli_buf_money(struct cli_buf *b, lc_i128 v)
{
	char tmp[64], *end = tmp + sizeof(tmp), *p;

	p = cli_money_digits(v, end);
	if (v < 0)
		*--p = '-';
	cli_buf_put(b, p, (size_t)(end - p));
}


static char *cli_two_digits(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}


int cli_time_text(int64_t ms, char *buf, size_t size)
{
	int64_t day = lc_time_day_start(ms), y, in_day = ms - day;
	unsigned m, d, frac = (unsigned)(in_day % 1000);
	char *p = buf;

	lc_civil_from_days(day / 86400000, &y, &m, &d);
	if (y < 0 || y > 9999 || size < 25)
		return lc_time_format(ms, buf, size);
	p = cli_two_digits(p, (unsigned)(y / 100));
	p = cli_two_digits(p, (unsigned)(y % 100));
	*p++ = '-';
	p = cli_two_digits(p, m);
	*p++ = '-';
	p = cli_two_digits(p, d);
	*p++ = 'T';
	p = cli_two_digits(p, (unsigned)(in_day / 3600000));
	*p++ = ':';
	p = cli_two_digits(p, (unsigned)(in_day / 60000 % 60));
	*p++ = ':';
	p = cli_two_digits(p, (unsigned)(in_day / 1000 % 60));
	if (frac != 0) {
		*p++ = '.';
		*p++ = (char)('0' + frac / 100);
		p = cli_two_digits(p, frac % 100);
	}
	*p++ = 'Z';
	*p = '\0';
	return (int)(p - buf);
}


int cli_source_text(const char *file, long line, char *buf, size_t size)
{
	char digits[24], *end = digits + sizeof(digits), *q;
	size_t n = strlen(file);

	q = cli_u64_digits((uint64_t)(line < 0 ? 0 : line), end);
	if (n + 1 + (size_t)(end - q) + 1 > size)
		return snprintf(buf, size, "%s:%ld", file, line);
	memcpy(buf, file, n);
	buf[n++] = ':';
	memcpy(buf + n, q, (size_t)(end - q));
	n += (size_t)(end - q);
	buf[n] = '\0';
	return (int)n;
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
	char tmp[64], digits[128], *end = tmp + sizeof(tmp), *p;
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
	if (size < 2)
		return;
	/* Left-pad with zeros so that there is a digit before the point. */
	p = cli_u128_digits(cli_mag(v), end);
	n = (size_t)(end - p);
	pad = n <= (size_t)decimals ? (size_t)decimals - n + 1 : 0;
	memset(digits, '0', pad);
	memcpy(digits + pad, p, n);
	n += pad;
	digits[n] = '\0';
	snprintf(buf, size, "%s%.*s%s%s", v < 0 ? "-" : "",
		 (int)(n - (size_t)decimals), digits, decimals > 0 ? "." : "",
		 digits + n - (size_t)decimals);
	cli_group_digits(buf, size);
}


void cli_int_group(int64_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", (long long)v);
	cli_group_digits(buf, size);
}

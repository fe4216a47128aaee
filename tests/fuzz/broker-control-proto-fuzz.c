/* libFuzzer target for the broker's control-protocol parser: the incremental reader (length
 * prefix, oversize refusal), then the request and response parsers on each reassembled body.
 * Whatever the input, nothing may crash, leak or read out of bounds. */
#include "config.h"
#include "proto/control.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsr_ctl_reader *r = tsr_ctl_reader_create(TSR_CTL_MAX_REQUEST);
	size_t off = 0;

	/* The body parsers on the raw input too, so the fuzzer reaches them without a prefix. */
	{
		struct tsr_ctl_request req = { 0 };
		struct tsr_ctl_response resp = { 0 };
		if (tsr_ctl_request_parse(data, size, &req, NULL))
			tsr_ctl_request_clear(&req);
		if (tsr_ctl_response_parse(data, size, &resp, NULL))
			tsr_ctl_response_clear(&resp);
	}
	while (off < size) {
		size_t used = 0, len = 0;
		enum tsr_ctl_read_result rr =
			tsr_ctl_reader_feed(r, data + off, size - off, &used, NULL);

		off += used;
		if (rr == TSR_CTL_READ_ERROR)
			break;
		if (rr == TSR_CTL_READ_MESSAGE) {
			struct tsr_ctl_request req = { 0 };
			const void *body = tsr_ctl_reader_body(r, &len);

			if (tsr_ctl_request_parse(body, len, &req, NULL))
				tsr_ctl_request_clear(&req);
			tsr_ctl_reader_reset(r);
		}
		if (used == 0)
			break;
	}
	tsr_ctl_reader_destroy(r);
	return 0;
}

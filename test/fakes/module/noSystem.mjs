// An in-process implementation, in plain JavaScript, whose create gives no system.
export const implementation = {
  name: 'no-system',
  async create() {
    return {};
  },
};

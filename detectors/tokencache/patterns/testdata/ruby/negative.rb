class RequestScoped
  # One object a request: the memo lives as long as the request.
  def access_token
    @access_token ||= fetch_access_token
  end

  def token_url
    @token_url ||= ENV.fetch("TOKEN_URL")
  end
end

class ExpiringAuth
  def self.access_token
    if @access_token.nil? || Time.now > @expires_at - 60
      body = fetch_token_response
      @access_token = body["access_token"]
      @expires_at = Time.now + body["expires_in"]
    end
    @access_token ||= fetch_access_token
  end
end
